import { isUuid, type NamedApprover } from "@portcullis/contract";
import type { PrincipalStore } from "./principal-store.ts";

/** A user of the local issuer (local mode): known before they ever sign in. */
export interface LocalDirectoryUser {
  oid: string;
  username: string;
  name: string;
  /** The groups the local issuer puts in this user's `groups` claim. */
  groups?: readonly string[];
}

/**
 * Finds people by object id or user name: the local issuer's users (local mode) and every principal Portcullis has
 * seen sign in. Names are resolved once, when a policy is saved; from then on only the object id counts.
 */
export interface Directory {
  /** The user `text` names (object id or user name); null when nobody (or more than one) has that user name. */
  findUser(text: string): Promise<NamedApprover | null>;
  /**
   * Why `group` cannot name a group in a saved rule, or null when it can. With the local issuer the directory knows
   * every group (those its users carry), so an unknown one is refused; with Entra ID there is no group lookup
   * (no Microsoft Graph), so only group object ids are accepted, as the token's `groups` claim lists them.
   */
  groupProblem(group: string): string | null;
  /**
   * The groups of a user whose token's `groups` claim overflowed, when the directory can say (the local issuer's
   * users); null when it cannot (Entra ID without Microsoft Graph).
   */
  groupsOf(oid: string): Promise<string[] | null>;
}


export function isObjectId(text: string): boolean {
  return isUuid(text.trim());
}

export function createDirectory(deps: { principals: PrincipalStore; localUsers?: readonly LocalDirectoryUser[]; localTenantId?: string }): Directory {
  const local = deps.localUsers ?? [];
  const fromLocal = (user: LocalDirectoryUser): NamedApprover => ({ oid: user.oid.toLowerCase(), tenantId: deps.localTenantId ?? null, name: user.name, username: user.username });
  const localGroups = new Map<string, string>(local.flatMap((u) => (u.groups ?? []).map((g) => [g.toLowerCase(), g] as const)));
  return {
    groupProblem(group) {
      const wanted = group.trim();
      if (deps.localUsers !== undefined) {
        if (localGroups.has(wanted.toLowerCase())) return null;
        return `"${wanted}" is not a group of the local issuer's users (known groups: ${[...localGroups.values()].sort().join(", ")})`;
      }
      return isObjectId(wanted) ? null : `"${wanted}" must be a group object id (a GUID, as Entra ID's groups claim lists them): group names cannot be looked up without Microsoft Graph`;
    },
    async groupsOf(oid) {
      if (deps.localUsers === undefined) return null;
      const user = local.find((u) => u.oid.toLowerCase() === oid.toLowerCase());
      return user === undefined ? null : [...(user.groups ?? [])];
    },
    async findUser(text) {
      const wanted = text.trim().toLowerCase();
      if (isObjectId(wanted)) {
        const seen = await deps.principals.get(wanted);
        if (seen !== null) return { oid: seen.oid, tenantId: seen.tenantId, name: seen.name, username: seen.username };
        const user = local.find((u) => u.oid.toLowerCase() === wanted);
        // An object id is immutable, so one Portcullis has not seen yet is still a precise name (its tenant unknown).
        return user === undefined ? { oid: wanted, tenantId: null, name: wanted, username: null } : fromLocal(user);
      }
      const user = local.find((u) => u.username.toLowerCase() === wanted);
      if (user !== undefined) return fromLocal(user);
      const seen = await deps.principals.findByUsername(wanted);
      return seen === null ? null : { oid: seen.oid, tenantId: seen.tenantId, name: seen.name, username: seen.username };
    },
  };
}
