import { Router, type Request } from "express";
import { CreateAccessRequestBodySchema, ExtendGrantBodySchema, ListGrantsQuerySchema, uuidSchema, type AccessRequest, type Grant, type ListGrantsResponse, type MyIpResponse } from "@portcullis/contract";
import { z } from "zod";
import { guard, type RouteAccess } from "../lib/auth/guard.ts";
import { requirePermissionSomewhere } from "../lib/auth/access.ts";
import { clientIpOf } from "../lib/http/client-ip.ts";
import { parseInput } from "../lib/http/validation.ts";
import { checkVmIds } from "../lib/http/vm-ids.ts";
import { callerOf } from "../lib/auth/caller.ts";
import type { RequestService } from "./service.ts";

export interface RequestRouteDeps {
  requests: RequestService;
}

const GrantParamsSchema = z.object({
  id: uuidSchema("must be a grant id (a UUID)"),
});

/** The request body, parsed and with its VM id checked: the scope `jit.request.create` is checked at. */
function createBody(req: Request) {
  const body = parseInput(CreateAccessRequestBodySchema, req.body, "body");
  const [vmId] = checkVmIds([body.vmId], () => "vmId");
  return { ...body, vmId: vmId as string };
}

const signedIn: RouteAccess = { kind: "signed-in" };

export function requestRoutes(deps: RequestRouteDeps): Router {
  const router = Router();

  const grantId = (req: Request): string => parseInput(GrantParamsSchema, req.params, "params").id.toLowerCase();

  router.get(
    "/requests/my-ip",
    guard(signedIn, async (req, res) => {
      const body: MyIpResponse = { ip: clientIpOf(req) };
      res.json(body);
    }),
  );

  router.post(
    "/requests",
    guard({ kind: "permission", permission: "jit.request.create", scope: (req) => createBody(req).vmId }, async (req, res) => {
      const outcome = await deps.requests.create(createBody(req), await callerOf(req));
      if (outcome.kind === "opened") {
        const body: Grant = outcome.grant;
        res.status(201).json(body);
      } else {
        const body: AccessRequest = outcome.request;
        res.status(202).location(`/api/access-requests/${body.id}`).json(body);
      }
    }),
  );

  router.get(
    "/grants",
    guard(signedIn, async (req, res) => {
      const query = parseInput(ListGrantsQuerySchema, req.query, "query");
      const caller = await callerOf(req);
      if (query.scope === "all") requirePermissionSomewhere(caller.access, "jit.request.revoke.any");
      const body: ListGrantsResponse = await deps.requests.list(query, caller);
      res.json(body);
    }),
  );

  router.get(
    "/grants/:id",
    guard(signedIn, async (req, res) => {
      const body: Grant = await deps.requests.get(grantId(req), await callerOf(req));
      res.json(body);
    }),
  );

  router.post(
    "/grants/:id/revoke",
    guard(signedIn, async (req, res) => {
      const body: Grant = await deps.requests.revoke(grantId(req), await callerOf(req));
      res.json(body);
    }),
  );

  router.post(
    "/grants/:id/extend",
    // Lengthening access is checked like opening it: the service checks the permission again at the grant's VM.
    guard({ kind: "permission", permission: "jit.request.create", scope: "some" }, async (req, res) => {
      const id = grantId(req);
      const { addMinutes } = parseInput(ExtendGrantBodySchema, req.body, "body");
      const body: Grant = await deps.requests.extend(id, addMinutes, await callerOf(req));
      res.json(body);
    }),
  );

  return router;
}
