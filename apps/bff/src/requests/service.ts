import { randomUUID } from "node:crypto";
import type { AccessRequest, CreateAccessRequestBody, Grant, ListGrantsResponse } from "@portcullis/contract";
import { needsApproval } from "@portcullis/core";
import { autoApprovalActor, autoApprovalDetails, type ApprovalService } from "../approvals/service.ts";
import type { AuditActor } from "../lib/audit/audit-events.ts";
import { actorOf, type Caller } from "../lib/auth/caller.ts";
import type { PrincipalAccess } from "../lib/auth/principal-access.ts";
import { scopeCovers, scopeSegments } from "../lib/auth/scope.ts";
import type { PrincipalStore } from "../lib/auth/principal-store.ts";
import type { Directory } from "../lib/auth/directory.ts";
import { scopesWith } from "../lib/auth/scope-filter.ts";
import { cursorParam } from "../lib/db/keyset-paging.ts";
import type { GrantCloser } from "./grant-closer.ts";
import { grantAuditDetails, toGrant } from "./grant-record.ts";
import { createGrantActions } from "./grant-actions.ts";
import type { GrantListStatus } from "./grant-reads.ts";

/** What the request service needs beyond what opening a grant does (`GrantOpeningDeps`: storage, ARM, knobs). */
export interface RequestServiceDeps extends GrantOpeningDeps {
  principals: PrincipalStore;
  principalAccess: PrincipalAccess;
  /** Group membership when a requester's token overflowed its groups claim (automatic approval). */
  directory: Directory;
  closer: GrantCloser;
}

export { defaultAnswerWithinMs, defaultLeaseMs, type OpenSpec } from "./opening.ts";
import type { GrantOpening, GrantOpeningDeps } from "./opening.ts";

/** What `create` did: opened the ports (201), or stored a request that waits for approval (202). */
export type CreateOutcome = { kind: "opened"; grant: Grant } | { kind: "pending"; request: AccessRequest };

/** The grant of an outcome that opened (tests and tools that expect no approval); throws for a pending request. */
export function openedGrant(outcome: CreateOutcome): Grant {
  if (outcome.kind === "pending") throw new Error(`request ${outcome.request.id} waits for approval`);
  return outcome.grant;
}

/** What a new request needs from approvals (the approvals component provides it; it builds no request service). */
export type ApprovalGate = Pick<ApprovalService, "checkBreakGlass" | "autoApproval" | "submit" | "breakGlassHooks">;

export function createRequestService(deps: RequestServiceDeps & { opening: GrantOpening; approvals: ApprovalGate }) {
  const { fitToPolicy, recordRefusal, openFitted, lease, timeoutMs } = deps.opening;
  const approvals = deps.approvals;

  /**
   * A new request: opened at once (201 with the grant) when its ports need no approval or it is break-glass,
   * else stored as pending (202 with the request) until enough approvers agree.
   */
  async function create(body: CreateAccessRequestBody, caller: Caller): Promise<CreateOutcome> {
    const now = deps.clock.now();
    const { policy, jitPolicy, fitted } = await fitToPolicy(body, caller, now).catch(async (error: unknown) => {
      await recordRefusal(body, caller, error);
      throw error;
    });
    const waits = needsApproval(policy.approval, policy.ports, fitted.ports);
    if (body.breakGlass === true) approvals.checkBreakGlass(policy, fitted);
    // Break-glass stays break-glass (flagged for review) even where a rule would approve: the requester chose it.
    const auto = waits && body.breakGlass !== true ? await approvals.autoApproval(policy, fitted, caller, now) : null;
    if (waits && body.breakGlass !== true && auto?.approved !== true) return { kind: "pending", request: await approvals.submit(policy, fitted, caller, now, auto) };
    const actor = actorOf(caller);
    const autoApproved = auto !== null && auto.approved;
    const breakGlass = waits && body.breakGlass === true;
    const requestId = breakGlass ? randomUUID() : null;
    const grant = await openFitted({
      vmId: body.vmId,
      jitPolicy,
      fitted,
      requester: { oid: caller.oid, name: caller.name, username: caller.access.principal.username, ip: caller.ip },
      actor,
      correlationId: caller.correlationId,
      requestId,
      breakGlass,
      ...(breakGlass && requestId !== null && policy.approval !== null ? approvals.breakGlassHooks(requestId, policy.approval, caller, now) : {}),
      openingEvents: (record, supersede) => [
        {
          actor,
          action: "request.created",
          outcome: "success",
          vmId: record.vmId,
          details: {
            ...grantAuditDetails(record, { endsAt: record.endsAt.toISOString(), opensToAnyAddress: fitted.opensToAnyAddress }),
            supersedes: [...supersede],
            approvalRequired: false,
            ...(autoApproved ? { autoApproval: autoApprovalDetails(auto) } : {}),
          },
          correlationId: caller.correlationId,
        },
        // The approval the policy asks for, given by its rule: recorded as Portcullis naming the rule (and notified as an approval).
        ...(autoApproved
          ? [
              {
                actor: autoApprovalActor(auto.rule),
                action: "request.approved" as const,
                outcome: "success" as const,
                vmId: record.vmId,
                details: {
                  ...grantAuditDetails(record, { endsAt: record.endsAt.toISOString() }),
                  automatic: true,
                  rule: auto.rule,
                  conditions: policy.approval?.autoApprove ?? null,
                  // Nothing remains (so it notifies as an approval); no approver count, which would read "0 of 1".
                  remaining: 0,
                },
                correlationId: caller.correlationId,
              },
            ]
          : []),
        ...(breakGlass
          ? [{ actor, action: "request.break-glass" as const, outcome: "success" as const, vmId: record.vmId, details: { ...grantAuditDetails(record, { endsAt: record.endsAt.toISOString() }), approvalRequired: true }, correlationId: caller.correlationId }]
          : []),
      ],
    });
    return { kind: "opened", grant };
  }

  const actions = createGrantActions({ ...deps, lease, timeoutMs });

  /**
   * After a role assignment at `scope` was removed: revokes the open grants, on VMs within that scope, of the
   * principals it applied to who no longer hold `jit.request.create` there (reason RequesterNoLongerAuthorized, by
   * the admin who removed it). Returns how many closed now; one ARM could not close stays due and is retried.
   */
  async function revokeForLostAccess(oids: readonly string[], scope: string, actor: AuditActor, correlationId: string | null): Promise<number> {
    const within = scopeSegments(scope);
    const cause = "RequesterNoLongerAuthorized";
    let revoked = 0;
    let waiting = 0;
    for (const oid of oids) {
      const active = (await deps.grants.activeFor(oid)).filter((g) => scopeCovers(within, scopeSegments(g.vmId)));
      if (active.length === 0) continue;
      const access = await deps.principalAccess.of(oid);
      const lost = active.filter((g) => access === null || !access.has("jit.request.create", g.vmId));
      // Recorded first, durably: a grant still opening, or held by an extension or a close, is closed as revoked by
      // whoever frees it (any replica, after any restart), not left open until its end.
      await deps.grants.requestRevoke(lost.map((g) => g.id), { actor, correlationId, cause });
      for (const grant of lost) {
        if (grant.status === "open" && (await actions.revokeAs(grant.id, actor, correlationId, { cause }))) revoked += 1;
        else waiting += 1;
      }
    }
    if (waiting > 0) deps.wakeExpiry?.();
    return revoked;
  }

  return {
    create,
    revokeForLostAccess,
    /** Waits for openings that were still writing when their caller was answered. */
    async drain(): Promise<void> {
      await deps.opening.drain();
    },
    ...actions,
    /**
     * A page of grants, newest first: the caller's own (`mine`), or also those of VMs where they hold
     * jit.request.revoke.any (`all`), authorized in the query so no page is cut before the caller's scopes apply.
     */
    async list(query: { scope: "mine" | "all"; status: GrantListStatus; vmId?: string | undefined; cursor?: string | undefined; pageSize: number }, caller: Caller): Promise<ListGrantsResponse> {
      const cursor = cursorParam("grants", query.cursor);
      const { records, nextCursor } = await deps.grants.page({
        status: query.status,
        now: deps.clock.now(),
        requesterOid: caller.oid,
        vmScopes: query.scope === "all" ? scopesWith(caller.access, "jit.request.revoke.any") : null,
        ...(query.vmId === undefined ? {} : { vmId: query.vmId }),
        ...(cursor === undefined ? {} : { cursor }),
        pageSize: query.pageSize,
      });
      return { items: records.map(toGrant), nextCursor };
    },
  };
}

export type RequestService = ReturnType<typeof createRequestService>;
