import { Router, type Request } from "express";
import {
  ApproveAccessRequestBodySchema,
  DenyAccessRequestBodySchema,
  ListAccessRequestsQuerySchema,
  ReviewAccessRequestBodySchema,
  type AccessRequest,
  type ListAccessRequestsResponse,
  uuidSchema,
  type RequesterHistoryResponse,
} from "@portcullis/contract";
import { z } from "zod";
import { guard, type RouteAccess } from "../lib/auth/guard.ts";
import { checkFreeText } from "../lib/http/free-text.ts";
import { parseInput } from "../lib/http/validation.ts";
import { callerOf } from "../lib/auth/caller.ts";
import type { ApprovalService } from "./service.ts";

export interface ApprovalRouteDeps {
  approvals: ApprovalService;
}

const RequestParamsSchema = z.object({
  id: uuidSchema("must be an access request id (a UUID)"),
});

/**
 * Signed-in is the route's gate; who may see, decide, cancel or review each request is the service's check
 * (the approver set is per policy: named users and groups may approve without a role).
 */
const signedIn: RouteAccess = { kind: "signed-in" };
/** Reviewing break-glass is an approver's job; the service also checks the VM's scope and that the caller is not the requester. */
const approverSomewhere: RouteAccess = { kind: "permission", permission: "jit.request.approve", scope: "some" };

export function approvalRoutes(deps: ApprovalRouteDeps): Router {
  const router = Router();
  const requestId = (req: Request): string => parseInput(RequestParamsSchema, req.params, "params").id.toLowerCase();

  router.get(
    "/access-requests",
    guard(signedIn, async (req, res) => {
      const query = parseInput(ListAccessRequestsQuerySchema, req.query, "query");
      const body: ListAccessRequestsResponse = await deps.approvals.list(query, await callerOf(req));
      res.json(body);
    }),
  );

  router.get(
    "/access-requests/:id",
    guard(signedIn, async (req, res) => {
      const body: AccessRequest = await deps.approvals.get(requestId(req), await callerOf(req));
      res.json(body);
    }),
  );

  router.get(
    "/access-requests/:id/requester-history",
    guard(signedIn, async (req, res) => {
      const body: RequesterHistoryResponse = await deps.approvals.requesterHistory(requestId(req), await callerOf(req));
      res.json(body);
    }),
  );

  router.post(
    "/access-requests/:id/approve",
    guard(signedIn, async (req, res) => {
      const id = requestId(req);
      const { comment } = parseInput(ApproveAccessRequestBodySchema, req.body ?? {}, "body");
      checkFreeText({ comment });
      const body: AccessRequest = await deps.approvals.approve(id, comment === undefined || comment === "" ? null : comment, await callerOf(req));
      res.json(body);
    }),
  );

  router.post(
    "/access-requests/:id/deny",
    guard(signedIn, async (req, res) => {
      const id = requestId(req);
      const { comment } = parseInput(DenyAccessRequestBodySchema, req.body ?? {}, "body");
      checkFreeText({ comment });
      const body: AccessRequest = await deps.approvals.deny(id, comment, await callerOf(req));
      res.json(body);
    }),
  );

  router.post(
    "/access-requests/:id/cancel",
    guard(signedIn, async (req, res) => {
      const body: AccessRequest = await deps.approvals.cancel(requestId(req), await callerOf(req));
      res.json(body);
    }),
  );

  router.post(
    "/access-requests/:id/review",
    guard(approverSomewhere, async (req, res) => {
      const id = requestId(req);
      const { comment } = parseInput(ReviewAccessRequestBodySchema, req.body ?? {}, "body");
      checkFreeText({ comment });
      const body: AccessRequest = await deps.approvals.review(id, comment, await callerOf(req));
      res.json(body);
    }),
  );

  return router;
}
