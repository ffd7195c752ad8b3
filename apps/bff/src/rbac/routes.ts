import { Router } from "express";
import { CreateRoleAssignmentBodySchema, type ListRoleAssignmentsResponse, type RoleAssignment } from "@portcullis/contract";
import { z } from "zod";
import { requireAuthContext } from "../lib/auth/authenticate.ts";
import { guard } from "../lib/auth/guard.ts";
import { normalizeScope } from "../lib/auth/scope.ts";
import { ConflictError, NotFoundError } from "../lib/errors.ts";
import { parseInput } from "../lib/http/validation.ts";
import type { RoleAssignmentRepository } from "./repository.ts";

const uuid = z.uuid();

/** Scoped role assignments, managed by Admins (permissions at tenant scope). */
export function rbacRoutes(repository: RoleAssignmentRepository): Router {
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
      const { principal } = requireAuthContext(req);
      const created: RoleAssignment | undefined = await repository.create({ ...input, createdBy: { oid: principal.oid, name: principal.name } });
      if (created === undefined) {
        throw new ConflictError(`${input.principalType} ${input.principalId} already holds ${input.role} at scope ${normalizeScope(input.scope)}`);
      }
      res.status(201).location(`/api/rbac/assignments/${created.id}`).json(created);
    }),
  );
  router.delete(
    "/rbac/assignments/:id",
    guard({ kind: "permission", permission: "jit.rbac.write", scope: "tenant" }, async (req, res) => {
      const id = String(req.params["id"]);
      // Not a uuid cannot name an assignment; asking the database would only fail on the cast.
      if (!uuid.safeParse(id).success || !(await repository.delete(id.toLowerCase()))) throw new NotFoundError(`No role assignment ${id}`);
      res.status(204).end();
    }),
  );
  return router;
}
