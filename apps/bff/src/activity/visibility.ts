import type { Access } from "../lib/auth/access.ts";
import { scopesWith } from "../lib/auth/scope-filter.ts";
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
  const readers = scopesWith(access, "jit.activity.read");
  if (readers.kind === "all") return { kind: "all" };
  const vmScopes = readers.scopes;
  const actorOid = access.hasAtSomeScope("jit.request.create") ? access.principal.oid : null;
  if (vmScopes.length === 0 && actorOid === null) {
    throw new NotAllowedError("Missing permission jit.activity.read or jit.request.create at any scope", {
      details: { permission: "jit.activity.read or jit.request.create", scope: "any" },
    });
  }
  return { kind: "limited", vmScopes, actorOid };
}
