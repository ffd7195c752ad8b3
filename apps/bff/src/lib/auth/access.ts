import { permissions, rolePermissions, type Permission, type RoleAssignment } from "@portcullis/contract";
import { NotAllowedError } from "../errors.ts";
import type { Principal } from "./principal.ts";
import { scopeCovers, scopeSegments } from "./scope.ts";

/** What one caller may do where: tenant roles apply everywhere, an assignment at its scope and below. */
export interface Access {
  readonly principal: Principal;
  /** Stored assignments that apply to the caller, directly (oid) or through a group. */
  readonly assignments: readonly RoleAssignment[];
  /** Permissions at the tenant root (tenant roles and assignments at `/`), in canonical order. */
  readonly tenantPermissions: readonly Permission[];
  /** Every permission held at some scope, in canonical order. */
  readonly anyScopePermissions: readonly Permission[];
  has(permission: Permission, scope: string): boolean;
  hasAtSomeScope(permission: Permission): boolean;
  /** Permissions at `scope` (from it and every scope above it), in canonical order. */
  permissionsAt(scope: string): Permission[];
}

interface Grant {
  segments: string[];
  permissions: ReadonlySet<Permission>;
}

function canonical(held: ReadonlySet<Permission>): Permission[] {
  return permissions.filter((p) => held.has(p));
}

/** Assignments for a user apply by `oid`, for a group by any id in the token's `groups` claim. */
export function appliesTo(assignment: Pick<RoleAssignment, "principalType" | "principalId">, principal: Principal): boolean {
  const id = assignment.principalId.toLowerCase();
  return assignment.principalType === "user" ? id === principal.oid : principal.groups.includes(id);
}

export function buildAccess(principal: Principal, stored: readonly RoleAssignment[]): Access {
  const assignments = stored.filter((a) => appliesTo(a, principal));
  const grants: Grant[] = [
    { segments: [], permissions: new Set(principal.tenantRoles.flatMap((role) => rolePermissions[role])) },
    ...assignments.map((a) => ({ segments: scopeSegments(a.scope), permissions: new Set(rolePermissions[a.role]) })),
  ];
  const collect = (segments: readonly string[]): Set<Permission> => {
    const held = new Set<Permission>();
    for (const grant of grants) if (scopeCovers(grant.segments, segments)) for (const p of grant.permissions) held.add(p);
    return held;
  };
  const anywhere = new Set(grants.flatMap((g) => [...g.permissions]));
  return {
    principal,
    assignments,
    tenantPermissions: canonical(collect([])),
    anyScopePermissions: canonical(anywhere),
    has(permission, scope) {
      const segments = scopeSegments(scope);
      return grants.some((g) => g.permissions.has(permission) && scopeCovers(g.segments, segments));
    },
    hasAtSomeScope: (permission) => anywhere.has(permission),
    permissionsAt: (scope) => canonical(collect(scopeSegments(scope))),
  };
}

/** 403 naming the permission and the scope unless the caller holds it there. */
export function requirePermission(access: Access, permission: Permission, scope: string): void {
  if (!access.has(permission, scope)) {
    throw new NotAllowedError(`Missing permission ${permission} at scope ${scope}`, { details: { permission, scope } });
  }
}

/** 403 unless the caller holds the permission at one scope at least (lists filter by scope afterwards). */
export function requirePermissionSomewhere(access: Access, permission: Permission): void {
  if (!access.hasAtSomeScope(permission)) {
    throw new NotAllowedError(`Missing permission ${permission} at any scope`, { details: { permission, scope: "any" } });
  }
}

/** 403 unless the caller holds at least one of the permissions at some scope (the handler filters what each allows). */
export function requireAnyPermissionSomewhere(access: Access, permissions: readonly Permission[]): void {
  if (!permissions.some((p) => access.hasAtSomeScope(p))) {
    throw new NotAllowedError(`Missing permission ${permissions.join(" or ")} at any scope`, { details: { permission: permissions.join(" or "), scope: "any" } });
  }
}
