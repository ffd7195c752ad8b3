import { rolePermissions, tenantScope } from "@portcullis/contract";
import type { Access } from "../lib/auth/access.ts";
import { normalizeScope } from "../lib/auth/scope.ts";
import { NotAllowedError } from "../lib/errors.ts";

/**
 * Which events one caller may read. Auditors and Admins (`jit.activity.read`) read the events of VMs in their
 * scopes, and events without a VM (role changes) only when they read at tenant scope; Requesters
 * (`jit.request.create`) read the events they caused.
 */
export type Visibility =
  | { kind: "all" }
  | {
      kind: "limited";
      /** Lower-cased scopes where the caller holds jit.activity.read: events of VMs at or below them. */
      vmScopes: string[];
      /** The caller's oid when they may read their own events; null otherwise. */
      actorOid: string | null;
    };

export function visibilityFor(access: Access): Visibility {
  if (access.has("jit.activity.read", tenantScope)) return { kind: "all" };
  const vmScopes = [
    ...new Set(access.assignments.filter((a) => rolePermissions[a.role].includes("jit.activity.read")).map((a) => normalizeScope(a.scope))),
  ];
  const actorOid = access.hasAtSomeScope("jit.request.create") ? access.principal.oid : null;
  if (vmScopes.length === 0 && actorOid === null) {
    throw new NotAllowedError("Missing permission jit.activity.read or jit.request.create at any scope", {
      details: { permission: "jit.activity.read or jit.request.create", scope: "any" },
    });
  }
  return { kind: "limited", vmScopes, actorOid };
}
