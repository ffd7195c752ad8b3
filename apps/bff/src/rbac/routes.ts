import { Router } from "express";
import { CreateRoleAssignmentBodySchema, type ListRoleAssignmentsResponse, type RoleAssignment } from "@portcullis/contract";
import { auditContextOf } from "../lib/audit/audit-context.ts";
import { guard } from "../lib/auth/guard.ts";
import { checkFreeText } from "../lib/http/free-text.ts";
import { parseInput } from "../lib/http/validation.ts";
import type { RoleAssignmentRepository } from "./repository.ts";
import type { RoleAssignmentService } from "./service.ts";

/** Scoped role assignments, managed by Admins (permissions at tenant scope). Changes are audited by the service. */
export function rbacRoutes(repository: RoleAssignmentRepository, service: RoleAssignmentService): Router {
  const router = Router();
  router.get(
    "/rbac/assignments",
    guard({ kind: "permission", permission: "jit.rbac.read", scope: "tenant" }, async (_req, res) => {
      const body: ListRoleAssignmentsResponse = { items: await repository.list() };
      res.json(body);
    }),
  );
  router.post(
    "/rbac/assignments",
    guard({ kind: "permission", permission: "jit.rbac.write", scope: "tenant" }, async (req, res) => {
      const input = parseInput(CreateRoleAssignmentBodySchema, req.body, "body");
      checkFreeText({ principalName: input.principalName });
      const created: RoleAssignment = await service.create(input, auditContextOf(req));
      res.status(201).location(`/api/rbac/assignments/${created.id}`).json(created);
    }),
  );
  router.delete(
    "/rbac/assignments/:id",
    guard({ kind: "permission", permission: "jit.rbac.write", scope: "tenant" }, async (req, res) => {
      await service.delete(String(req.params["id"]), auditContextOf(req));
      res.status(204).end();
    }),
  );
  return router;
}
