import { roles, type MeResponse, type Permission, type Role, type VmRow } from "@portcullis/contract";

/**
 * What the UI shows or hides for the signed-in user. The BFF refuses anyway; these only keep the
 * screen free of actions that would fail.
 */

/** Any Portcullis role at all, tenant-wide or scoped; without one the portal has nothing to show. */
export function hasAnyRole(me: MeResponse): boolean {
  return me.tenantRoles.length > 0 || me.assignments.length > 0;
}

/** Held at some scope: enough to show a page or a navigation entry whose rows the BFF filters. */
export function canSomewhere(me: MeResponse, permission: Permission): boolean {
  return me.anyScopePermissions.includes(permission);
}

/** Held tenant-wide: needed for actions on the whole estate (refreshing the inventory). */
export function canTenantWide(me: MeResponse, permission: Permission): boolean {
  return me.tenantPermissions.includes(permission);
}

/**
 * A permission and where it must be held: at tenant scope, or at some scope (the BFF filters the rows).
 * `or` names another permission that serves as well (the activity log: auditors, or requesters for their own events).
 */
export type PermissionNeed = { permission: Permission; or?: Permission; scope: "tenant" | "some" };

export function can(me: MeResponse, need: PermissionNeed): boolean {
  const holds = (permission: Permission) => (need.scope === "tenant" ? canTenantWide(me, permission) : canSomewhere(me, permission));
  return holds(need.permission) || (need.or !== undefined && holds(need.or));
}

/** Held on this VM, as the BFF computed for the caller. */
export function canOnVm(vm: Pick<VmRow, "callerPermissions">, permission: Permission): boolean {
  return vm.callerPermissions.includes(permission);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * The user's roles in a few words for the top bar: tenant roles by name, scoped ones with how many
 * scopes they cover ("Requester (2 scopes)"). A scoped role also held tenant-wide adds nothing.
 */
export function summariseRoles(me: MeResponse): string {
  const scopes = new Map<Role, Set<string>>();
  for (const assignment of me.assignments) {
    if (me.tenantRoles.includes(assignment.role)) continue;
    const set = scopes.get(assignment.role) ?? new Set<string>();
    set.add(assignment.scope);
    scopes.set(assignment.role, set);
  }
  const parts = roles.flatMap((role) => {
    if (me.tenantRoles.includes(role)) return [role];
    const held = scopes.get(role);
    if (!held) return [];
    // A scoped assignment at `/` is tenant-wide in effect.
    return [held.has("/") ? role : `${role} (${plural(held.size, "scope")})`];
  });
  return parts.length > 0 ? parts.join(", ") : "No role";
}
