import { sql, type RawBuilder } from "kysely";
import { vmWithin, type ScopeSet } from "../lib/auth/scope-filter.ts";

/**
 * The access-request lists as SQL filters, so each is authorized in its query and paged after that (a `LIMIT`
 * before authorization silently hid older requests from scoped approvers and admins).
 */
export type AccessRequestListFilter =
  /** The caller's own requests since `since`. */
  | { kind: "requester"; requesterOid: string; since: Date; pendingOnly: boolean }
  /** Requests on VMs in `vmScopes` since `since` (where an admin holds jit.request.revoke.any). */
  | { kind: "scopes"; vmScopes: ScopeSet; since: Date; pendingOnly: boolean }
  /** What the approver may act on now: pending requests they may decide, and (with `reviews`) break-glass accesses to review. */
  | { kind: "actionable"; approver: ApproverIdentity; now: Date; reviews: boolean };

/** The caller as the approver-set rules see them. */
export interface ApproverIdentity {
  /** Lower-cased object id. */
  oid: string;
  /** The token's tenant; core's check on each row matches it against a named approver's (SQL narrows by oid). */
  tenantId: string;
  /** Lower-cased group ids from the token. */
  groups: readonly string[];
  /** Where they hold jit.request.approve (the Approver role, or Admin). */
  approveScopes: ScopeSet;
}

function lowerIn(values: readonly string[]): RawBuilder<unknown> {
  return sql.join([...new Set(values.map((v) => v.toLowerCase()))]);
}

/** The stored rule names one of `names` (case-insensitive) in the jsonb array at `approval -> 'approvers' -> list`. */
function namesAny(list: "users" | "groups", names: readonly string[]): RawBuilder<boolean> {
  if (names.length === 0) return sql<boolean>`false`;
  return sql<boolean>`exists (select 1 from jsonb_array_elements_text(coalesce(approval -> 'approvers' -> ${sql.lit(list)}, '[]'::jsonb)) as named(name) where lower(named.name) in (${lowerIn(names)}))`;
}

/**
 * Core's `decisionRefusal` in SQL (the service still runs the core check on each row of the page): pending and
 * not lapsed, not decided by this approver yet, not their own request unless the rule allows self-approval, and
 * in the rule's approver set (role holders at the VM's scope, named users by object id, named groups).
 */
export function decidableBy(who: ApproverIdentity, now: Date): RawBuilder<boolean> {
  const inApproverSet = sql.join(
    [
      sql`(coalesce((approval -> 'approvers' ->> 'roleHolders')::boolean, false) and ${vmWithin("vm_id", who.approveScopes)})`,
      // Named users are saved as object ids and matched on them alone (never a user name: mutable, not unique).
      namesAny("users", [who.oid]),
      namesAny("groups", who.groups),
    ],
    sql` or `,
  );
  return sql<boolean>`(status = 'pending'
    and expires_at > ${now.toISOString()}::timestamptz
    and (requester_oid <> ${who.oid} or coalesce((approval ->> 'allowSelfApproval')::boolean, false))
    and not exists (select 1 from access_request_decision d where d.request_id = access_request.id and d.approver_oid = ${who.oid})
    and (${inApproverSet}))`;
}

/** A break-glass access nobody has reviewed, on a VM where the caller holds jit.request.approve, by someone else. */
export function reviewableBy(who: ApproverIdentity): RawBuilder<boolean> {
  return sql<boolean>`(break_glass and reviewed_at is null and requester_oid <> ${who.oid} and ${vmWithin("vm_id", who.approveScopes)})`;
}

export function listFilterSql(filter: AccessRequestListFilter): RawBuilder<boolean> {
  const pending = (only: boolean) => (only ? sql`status = 'pending'` : sql`true`);
  switch (filter.kind) {
    case "requester":
      return sql<boolean>`(requester_oid = ${filter.requesterOid} and created_at >= ${filter.since.toISOString()}::timestamptz and ${pending(filter.pendingOnly)})`;
    case "scopes":
      return sql<boolean>`(${vmWithin("vm_id", filter.vmScopes)} and created_at >= ${filter.since.toISOString()}::timestamptz and ${pending(filter.pendingOnly)})`;
    case "actionable":
      return filter.reviews ? sql<boolean>`(${decidableBy(filter.approver, filter.now)} or ${reviewableBy(filter.approver)})` : decidableBy(filter.approver, filter.now);
  }
}
