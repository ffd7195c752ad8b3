import type { Kysely } from "kysely";
import { createPrincipalAccess } from "../lib/auth/principal-access.ts";
import { createPrincipalStore } from "../lib/auth/principal-store.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import { createRoleAssignmentRepository } from "../rbac/repository.ts";

/** Test support: the principal store and re-authorization the request service needs, wired as server.ts wires them. */
export function principalDeps(db: Kysely<DatabaseSchema>) {
  const principals = createPrincipalStore(db);
  const assignments = createRoleAssignmentRepository(db);
  return { principals, principalAccess: createPrincipalAccess({ principals, loadAssignments: (oid, groups) => assignments.listForPrincipal(oid, groups) }) };
}
