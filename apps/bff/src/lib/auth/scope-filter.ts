import { rolePermissions, tenantScope, type Permission } from "@portcullis/contract";
import { sql, type RawBuilder } from "kysely";
import type { Access } from "./access.ts";
import { normalizeScope } from "./scope.ts";

/**
 * Where a caller holds one permission, in the form a list query filters by: everywhere (a tenant role or an
 * assignment at `/`), or at these lower-cased scopes and below. Lists are authorized in their query with this, so
 * no `LIMIT` runs before the caller's scopes are applied.
 */
export type ScopeSet = { kind: "all" } | { kind: "some"; scopes: string[] };

export function scopesWith(access: Access, permission: Permission): ScopeSet {
  if (access.has(permission, tenantScope)) return { kind: "all" };
  const scopes = access.assignments.filter((a) => rolePermissions[a.role].includes(permission)).map((a) => normalizeScope(a.scope));
  return { kind: "some", scopes: [...new Set(scopes)] };
}

/** The set and one more scope (e.g. the VM of a request the caller may read), which covers itself and what is below it. */
export function withScope(set: ScopeSet, scope: string): ScopeSet {
  if (set.kind === "all") return set;
  return { kind: "some", scopes: [...new Set([...set.scopes, normalizeScope(scope)])] };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * SQL: the lower-cased VM id in `column` is one of the scopes or lies below one, by whole path segments
 * (`.../resourcegroups/rg-1` covers its VMs but not `.../resourcegroups/rg-10`). A VM id holds its subscription and
 * resource group, so one prefix test serves every scope level.
 */
export function vmWithin(column: string, set: ScopeSet): RawBuilder<boolean> {
  if (set.kind === "all") return sql<boolean>`true`;
  if (set.scopes.length === 0) return sql<boolean>`false`;
  const ref = sql.ref(column);
  return sql<boolean>`(${sql.join(
    set.scopes.map((scope) => sql`${ref} = ${scope} or ${ref} like ${`${escapeLike(scope)}/%`}`),
    sql` or `,
  )})`;
}
