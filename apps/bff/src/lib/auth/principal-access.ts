import type { RoleAssignment } from "@portcullis/contract";
import { buildAccess, type Access } from "./access.ts";
import type { PrincipalStore } from "./principal-store.ts";

/**
 * What a principal who is not the caller may do now: their last-seen claims (tenant roles, groups) with the role
 * assignments stored now. Every step that opens or lengthens someone's access on their behalf asks this.
 */
export interface PrincipalAccess {
  /** Null when Portcullis never saw the principal (it then holds nothing). */
  of(oid: string): Promise<Access | null>;
}

export function createPrincipalAccess(deps: { principals: PrincipalStore; loadAssignments(oid: string, groups: readonly string[]): Promise<RoleAssignment[]> }): PrincipalAccess {
  return {
    async of(oid) {
      const principal = await deps.principals.get(oid);
      if (principal === null) return null;
      return buildAccess(principal, await deps.loadAssignments(principal.oid, principal.groups));
    },
  };
}
