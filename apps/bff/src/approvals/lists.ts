import type { AccessRequest, ListAccessRequestsResponse, RequesterHistoryResponse } from "@portcullis/contract";
import { scopesWith, withScope, type ScopeSet } from "../lib/auth/scope-filter.ts";
import { cursorParam } from "../lib/db/keyset-paging.ts";
import { NotAllowedError } from "../lib/errors.ts";
import { toGrant, type GrantRecord } from "../requests/grant-record.ts";
import type { Caller } from "../lib/auth/caller.ts";
import type { Clock } from "../lib/time/clock.ts";
import type { AccessRequestListFilter } from "./list-filters.ts";
import { canDecide, canReview } from "./request-view.ts";
import type { AccessRequestRecord, AccessRequestRepository } from "./repository.ts";

/** How far back the lists (`mine`, `all`) and approvers' view of a requester's history reach. */
const historyDays = 30;
/** Grants shown in a requester's history. */
const historyGrants = 20;

export interface ApprovalListDeps {
  repository: AccessRequestRepository;
  /** The grant component's read of a requester's recent grants on VMs the reader may see. */
  grants: { recentOf(requesterOid: string, since: Date, vmScopes: ScopeSet, limit: number): Promise<GrantRecord[]> };
  clock: Clock;
  /** The request when the caller may see it; 404 otherwise. */
  visible(id: string, caller: Caller): Promise<AccessRequestRecord>;
  /** The requests as the caller sees them (with whether each pending requester still holds their access). */
  toViews(records: readonly AccessRequestRecord[], caller: Caller, now: Date): Promise<AccessRequest[]>;
}

export interface ListAccessRequestsInput {
  scope: "mine" | "approvals" | "all";
  status: "pending" | "all";
  cursor?: string | undefined;
  pageSize: number;
}

/** The lists of access requests and a requester's history, each authorized in its query. */
export function createApprovalLists(deps: ApprovalListDeps) {
  function filterFor(query: ListAccessRequestsInput, caller: Caller, now: Date): AccessRequestListFilter {
    const since = new Date(now.getTime() - historyDays * 24 * 3600_000);
    const pendingOnly = query.status === "pending";
    if (query.scope === "mine") return { kind: "requester", requesterOid: caller.oid, since, pendingOnly };
    if (query.scope === "all") {
      if (!caller.access.hasAtSomeScope("jit.request.revoke.any")) {
        throw new NotAllowedError("Listing every access request needs the jit.request.revoke.any permission (Admin)", { details: { permission: "jit.request.revoke.any" } });
      }
      return { kind: "scopes", vmScopes: scopesWith(caller.access, "jit.request.revoke.any"), since, pendingOnly };
    }
    const { principal } = caller.access;
    const approver = { oid: caller.oid, tenantId: principal.tenantId, groups: principal.groups, approveScopes: scopesWith(caller.access, "jit.request.approve") };
    // Break-glass accesses awaiting review are no longer pending, so they are listed with every status only.
    return { kind: "actionable", approver, now, reviews: !pendingOnly };
  }

  return {
    /** A page of `mine`, `approvals` or `all`, newest first; `nextCursor` leads to the next (older) page. */
    async list(query: ListAccessRequestsInput, caller: Caller): Promise<ListAccessRequestsResponse> {
      const now = deps.clock.now();
      const filter = filterFor(query, caller, now);
      const { records, nextCursor } = await deps.repository.page(filter, cursorParam("access-requests", query.cursor), query.pageSize);
      // The query applies core's approval rules; core still decides each row, so the list never offers a request
      // the decision itself would refuse. The cursor comes from the query's rows, so nothing after it is skipped.
      const shown = filter.kind === "actionable" ? records.filter((r) => canDecide(r, caller, now) || (filter.reviews && canReview(r, caller))) : records;
      return { items: await deps.toViews(shown, caller, now), nextCursor };
    },

    /**
     * The requester's recent grants and outcomes, for whoever may see the request: only on VMs where the caller
     * holds jit.vm.read, and on the request's own VM (the caller sees that one through the request already).
     */
    async requesterHistory(id: string, caller: Caller): Promise<RequesterHistoryResponse> {
      const record = await deps.visible(id, caller);
      const since = new Date(deps.clock.now().getTime() - historyDays * 24 * 3600_000);
      const readable = withScope(scopesWith(caller.access, "jit.vm.read"), record.vmId);
      const [grants, counts] = await Promise.all([
        deps.grants.recentOf(record.requesterOid, since, readable, historyGrants),
        deps.repository.countsFor(record.requesterOid, since, readable),
      ]);
      return {
        requester: { oid: record.requesterOid, name: record.requesterName },
        grants: grants.map((g) => {
          const view = toGrant(g);
          return { id: view.id, vmName: view.vmName, ports: view.ports, createdAt: view.createdAt, status: view.status, statusReason: view.statusReason, breakGlass: g.breakGlass };
        }),
        counts,
      };
    },
  };
}
