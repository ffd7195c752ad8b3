import { randomUUID } from "node:crypto";
import type { AccessRequest, ApprovalSettings, CreateAccessRequestBody, Grant, RequesterHistoryResponse } from "@portcullis/contract";
import { approvedGrantWindow, decisionRefusal, isInApproverSet, requestLapsesAt, tallyDecisions, type Decider, type FittedRequest, type JitPolicy } from "@portcullis/core";
import type { Kysely } from "kysely";
import type { AuditActor, AuditEventInput, AuditRecorder } from "../lib/audit/audit-events.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import { ConflictError, InputError, NotAllowedError, NotFoundError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { toJitPolicy, type PolicyRecord } from "../policies/policy-mapping.ts";
import type { PolicyRepository } from "../policies/repository.ts";
import { grantVmId, toGrant } from "../requests/grant-record.ts";
import { toRecord as toGrantRecord } from "../requests/grant-rows.ts";
import type { Caller, OpenSpec } from "../requests/service.ts";
import type { Clock } from "../scheduler/clock.ts";
import { createAccessRequestRepository, type AccessRequestRecord } from "./repository.ts";

export interface ApprovalServiceDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  policies: PolicyRepository;
  clock: Clock;
  logger: Logger;
  /** The request service's fitting (policy lookup and `fitRequest`), shared so both paths refuse alike. */
  fitToPolicy(body: CreateAccessRequestBody, caller: Caller, now: Date): Promise<{ policy: PolicyRecord; jitPolicy: JitPolicy; fitted: FittedRequest }>;
  /** The request service's opening path (NSG writes, grant row, audit). */
  openFitted(spec: OpenSpec): Promise<Grant>;
}

/** The VM a request is about, as stored with it. */
type VmNames = Pick<PolicyRecord, "vmId" | "vmName" | "resourceGroup" | "subscriptionId">;
/** What was asked for. */
type RequestedAccess = Pick<FittedRequest, "ports" | "sourcePrefixes" | "durationMinutes" | "justification">;

/** Raised inside a decision's transaction (rolling it back) when a concurrent approval made this one the last. */
class LastApprovalError extends Error {}

/** How far back approvers see a requester's history. */
const historyDays = 30;
const listLimit = 200;

function actorOf(caller: Caller): AuditActor {
  return { oid: caller.oid, name: caller.name, ip: caller.ip };
}

function deciderOf(caller: Caller, vmId: string): Decider {
  const principal = caller.access.principal;
  return { oid: caller.oid, username: principal.username, groups: principal.groups, holdsApproverRole: caller.access.has("jit.request.approve", vmId) };
}

/** The details every audit event about an access request carries (the keys notifications and the activity log read). */
function requestDetails(record: AccessRequestRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId: record.id,
    vmName: record.vmName,
    ports: record.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
    sources: [...record.sourcePrefixes],
    durationMinutes: record.durationMinutes,
    ...(record.justification === null ? {} : { justification: record.justification }),
    requester: { oid: record.requesterOid, name: record.requesterName, username: record.requesterUsername },
    ...extra,
  };
}

/** Approvals: pending requests, decisions (N of M), cancel, lapse, break-glass and its review. */
export function createApprovalService(deps: ApprovalServiceDeps) {
  const repository = createAccessRequestRepository(deps.db);

  /** Whether the caller may see the request: its requester, someone who may decide it, or an admin of the VM. */
  function canSee(record: AccessRequestRecord, caller: Caller): boolean {
    if (record.requesterOid === caller.oid) return true;
    if (caller.access.has("jit.request.revoke.any", record.vmId)) return true;
    return isInApproverSet(record.approval.approvers, deciderOf(caller, record.vmId)) || (record.breakGlass && caller.access.has("jit.request.approve", record.vmId));
  }

  function canDecide(record: AccessRequestRecord, caller: Caller, now: Date): boolean {
    return decisionRefusal({ ...record, rule: record.approval }, deciderOf(caller, record.vmId), now) === null;
  }

  function canReview(record: AccessRequestRecord, caller: Caller): boolean {
    return record.breakGlass && record.review === null && record.requesterOid !== caller.oid && caller.access.has("jit.request.approve", record.vmId);
  }

  function toView(record: AccessRequestRecord, caller: Caller, now: Date): AccessRequest {
    const tally = tallyDecisions(record.approval, record.decisions);
    return {
      id: record.id,
      vmId: grantVmId(record),
      vmName: record.vmName,
      resourceGroup: record.resourceGroup,
      subscriptionId: record.subscriptionId,
      requester: { oid: record.requesterOid, name: record.requesterName, username: record.requesterUsername },
      ports: record.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
      sourcePrefixes: [...record.sourcePrefixes],
      durationMinutes: record.durationMinutes,
      justification: record.justification,
      status: record.status,
      createdAt: record.createdAt.toISOString(),
      expiresAt: record.expiresAt.toISOString(),
      decidedAt: record.decidedAt?.toISOString() ?? null,
      approval: {
        required: tally.required,
        remaining: record.status === "opened" || record.status === "failed" ? 0 : tally.remaining,
        clockStartsAt: record.approval.clockStartsAt,
        decisions: record.decisions.map((d) => ({ approver: { oid: d.approverOid, name: d.approverName }, decision: d.decision, comment: d.comment, at: d.at.toISOString() })),
      },
      canDecide: canDecide(record, caller, now),
      breakGlass: record.breakGlass,
      review: record.review === null ? null : { by: { oid: record.review.byOid, name: record.review.byName }, comment: record.review.comment, at: record.review.at.toISOString() },
      grantId: record.grantId,
      error: record.error,
    };
  }

  async function visible(id: string, caller: Caller): Promise<AccessRequestRecord> {
    const record = await repository.get(id);
    // Someone who may not see it learns nothing, not even that it exists.
    if (record === null || !canSee(record, caller)) throw new NotFoundError(`Access request ${id} was not found`, { details: { requestId: id } });
    return record;
  }

  function newRecord(vm: VmNames, fitted: RequestedAccess, caller: Caller, now: Date, approval: ApprovalSettings, breakGlass: boolean): AccessRequestRecord {
    return {
      id: randomUUID(),
      vmId: vm.vmId.toLowerCase(),
      vmName: vm.vmName,
      resourceGroup: vm.resourceGroup,
      subscriptionId: vm.subscriptionId,
      requesterOid: caller.oid,
      requesterName: caller.name,
      requesterUsername: caller.access.principal.username,
      requesterIp: caller.ip,
      ports: fitted.ports,
      sourcePrefixes: fitted.sourcePrefixes,
      durationMinutes: fitted.durationMinutes,
      justification: fitted.justification,
      status: breakGlass ? "opened" : "pending",
      approval,
      createdAt: now,
      expiresAt: breakGlass ? now : requestLapsesAt(approval, now, fitted.durationMinutes),
      decidedAt: breakGlass ? now : null,
      breakGlass,
      review: null,
      grantId: null,
      error: null,
      correlationId: caller.correlationId,
      decisions: [],
    };
  }

  /** Refuses a decision the caller may not make (403/409), with the core's reason. */
  function refuse(record: AccessRequestRecord, caller: Caller, now: Date): void {
    const refusal = decisionRefusal({ ...record, rule: record.approval }, deciderOf(caller, record.vmId), now);
    if (refusal === null) return;
    const details = { requestId: record.id, reason: refusal.reason };
    throw refusal.kind === "conflict" ? new ConflictError(refusal.message, { details }) : new NotAllowedError(refusal.message, { details });
  }

  /** Locks the request in `trx`, re-checks the decision against what is stored now, and records it. */
  async function decideIn(trx: Kysely<DatabaseSchema>, id: string, caller: Caller, decision: "approve" | "deny", comment: string | null, now: Date) {
    const locked = await repository.lockForDecision(trx, id);
    if (locked === null) throw new NotFoundError(`Access request ${id} was not found`, { details: { requestId: id } });
    refuse(locked, caller, now);
    await repository.insertDecision(trx, id, { approverOid: caller.oid, approverName: caller.name, decision, comment, at: now });
    const decisions = [...locked.decisions, { approverOid: caller.oid.toLowerCase(), approverName: caller.name, decision, comment, at: now }];
    return { locked, decisions, tally: tallyDecisions(locked.approval, decisions) };
  }

  async function reload(id: string, caller: Caller): Promise<AccessRequest> {
    const record = await repository.get(id);
    if (record === null) throw new NotFoundError(`Access request ${id} was not found`, { details: { requestId: id } });
    return toView(record, caller, deps.clock.now());
  }

  return {
    repository,

    /** Refuses break-glass where the policy does not allow it, or without a justification (400 naming the field). */
    checkBreakGlass(policy: PolicyRecord, fitted: FittedRequest): void {
      const problems = [];
      if (!policy.breakGlass) problems.push({ field: "breakGlass", rule: "is not allowed: this VM's policy has no break-glass access" });
      if (fitted.justification === null) problems.push({ field: "justification", rule: "is required for break-glass access" });
      if (problems.length > 0) throw new InputError(problems.map((p) => `${p.field}: ${p.rule}`).join("; "), { details: { problems } });
    },

    /** Stores a request that waits for approval, with its `request.created` event (which notifies the approvers). */
    async submit(policy: PolicyRecord, fitted: FittedRequest, caller: Caller, now: Date): Promise<AccessRequest> {
      const approval = policy.approval;
      if (approval === null) throw new Error("submit needs a policy with an approval rule");
      const record = newRecord(policy, fitted, caller, now, approval, false);
      await deps.db.transaction().execute(async (trx) => {
        await repository.insert(record, trx);
        await deps.audit.recordAll(trx, [
          {
            actor: actorOf(caller),
            action: "request.created",
            outcome: "success",
            vmId: record.vmId,
            details: requestDetails(record, { approvalRequired: true, required: approval.requiredApprovals, expiresAt: record.expiresAt.toISOString(), clockStartsAt: approval.clockStartsAt }),
            correlationId: caller.correlationId,
          },
        ]);
      });
      return toView(record, caller, now);
    },

    /** For a break-glass opening: the request row (opened, flagged) stored with the grant, or marked failed with it. */
    breakGlassHooks(requestId: string, approval: ApprovalSettings, caller: Caller, now: Date): Pick<OpenSpec, "stored" | "failed"> {
      return {
        async stored(trx, grant) {
          const durationMinutes = Math.round((grant.endsAt.getTime() - grant.startsAt.getTime()) / 60_000);
          await repository.insert({ ...newRecord(grant, { ...grant, durationMinutes }, caller, now, approval, true), id: requestId, grantId: grant.id }, trx);
        },
        async failed(trx, message) {
          await repository.setStatus(trx, requestId, { status: "failed", error: message });
        },
      };
    },

    async get(id: string, caller: Caller): Promise<AccessRequest> {
      return toView(await visible(id, caller), caller, deps.clock.now());
    },

    async list(query: { scope: "mine" | "approvals" | "all"; status: "pending" | "all" }, caller: Caller): Promise<AccessRequest[]> {
      const now = deps.clock.now();
      const since = new Date(now.getTime() - historyDays * 24 * 3600_000);
      const status = query.status === "pending" ? { status: "pending" as const } : {};
      let records: AccessRequestRecord[];
      if (query.scope === "mine") {
        records = await repository.list({ requesterOid: caller.oid, ...status, since, limit: listLimit });
      } else if (query.scope === "approvals") {
        const pending = (await repository.list({ status: "pending", limit: 1000 })).filter((r) => canDecide(r, caller, now));
        const review = query.status === "pending" ? [] : (await repository.list({ awaitingReview: true, limit: listLimit })).filter((r) => canReview(r, caller));
        records = [...pending, ...review];
      } else {
        if (!caller.access.hasAtSomeScope("jit.request.revoke.any")) throw new NotAllowedError("Listing every access request needs the jit.request.revoke.any permission (Admin)", { details: { permission: "jit.request.revoke.any" } });
        records = (await repository.list({ ...status, since, limit: listLimit })).filter((r) => caller.access.has("jit.request.revoke.any", r.vmId));
      }
      return records.map((r) => toView(r, caller, now));
    },

    /**
     * One approval. Below the required count it is recorded (`request.approved` with what remains); the last one
     * opens the ports in the same transaction that records it (re-fitted to the policy as it is now), with the
     * time window the rule says (from the approval, or what remains from the request).
     */
    async approve(id: string, comment: string | null, caller: Caller): Promise<AccessRequest> {
      const now = deps.clock.now();
      const record = await visible(id, caller);
      refuse(record, caller, now);
      const tally = tallyDecisions(record.approval, [...record.decisions, { approverOid: caller.oid, decision: "approve" as const }]);
      const actor = actorOf(caller);
      const approvedEvent = (locked: AccessRequestRecord, remaining: number, approvals: number, extra: Record<string, unknown> = {}): AuditEventInput => ({
        actor,
        action: "request.approved",
        outcome: "success",
        vmId: locked.vmId,
        details: requestDetails(locked, { approvals, required: locked.approval.requiredApprovals, remaining, ...(comment === null ? {} : { comment }), ...extra }),
        correlationId: caller.correlationId,
      });

      if (tally.remaining > 0) {
        const recorded = await deps.db.transaction().execute(async (trx) => {
          const decided = await decideIn(trx, id, caller, "approve", comment, now);
          // Another approval landed meanwhile and this one completes the count: not recorded here, but as the last one below.
          if (decided.tally.remaining === 0) throw new LastApprovalError();
          await deps.audit.recordAll(trx, [approvedEvent(decided.locked, decided.tally.remaining, decided.tally.approvals)]);
          return true;
        }).catch((error: unknown) => {
          if (error instanceof LastApprovalError) return false;
          throw error;
        });
        if (recorded) return reload(id, caller);
      }

      // The last approval: fit again (the policy may have changed while the request waited), then open.
      const body: CreateAccessRequestBody = {
        vmId: grantVmId(record),
        ports: record.ports,
        sources: { kind: "ranges", prefixes: record.sourcePrefixes },
        durationMinutes: record.durationMinutes,
        ...(record.justification === null ? {} : { justification: record.justification }),
      };
      const requesterCaller: Caller = { ...caller, oid: record.requesterOid, name: record.requesterName };
      let fit;
      try {
        fit = await deps.fitToPolicy(body, requesterCaller, now);
      } catch (error) {
        throw new ConflictError(`The request no longer fits the VM's policy, so it cannot open: ${error instanceof Error ? error.message : String(error)}`, { details: { requestId: id }, cause: error });
      }
      const window = approvedGrantWindow(record.approval, record, now);
      if (window === null) throw new ConflictError("Less than a minute of the requested time remains (the time started at the request), so there is nothing left to open", { details: { requestId: id } });
      const grantId = randomUUID();
      // A failed opening marks the request `failed` (with why) in the transaction that records it, and answers its error.
      await deps.openFitted({
          vmId: body.vmId,
          jitPolicy: toJitPolicy(fit.policy.ports),
          fitted: { ...fit.fitted, ...window },
          requester: { oid: record.requesterOid, name: record.requesterName, username: record.requesterUsername, ip: record.requesterIp },
          actor,
          correlationId: caller.correlationId,
          grantId,
          requestId: id,
          breakGlass: false,
          stored: async (trx) => {
            const decided = await decideIn(trx, id, caller, "approve", comment, now);
            if (decided.tally.remaining > 0) throw new ConflictError("The request's approvals changed at the same time; try again", { details: { requestId: id } });
            await repository.setStatus(trx, id, { status: "opened", decidedAt: now, grantId });
            await deps.audit.recordAll(trx, [approvedEvent(decided.locked, 0, decided.tally.approvals, { grantId, endsAt: window.endsAt.toISOString() })]);
          },
          failed: async (trx, message) => {
            await repository.setStatus(trx, id, { status: "failed", error: message });
          },
          openingEvents: () => [],
        });
      return reload(id, caller);
    },

    /** A denial ends the request at once; the comment is required and reaches the requester. */
    async deny(id: string, comment: string, caller: Caller): Promise<AccessRequest> {
      const now = deps.clock.now();
      const record = await visible(id, caller);
      refuse(record, caller, now);
      await deps.db.transaction().execute(async (trx) => {
        const decided = await decideIn(trx, id, caller, "deny", comment, now);
        await repository.setStatus(trx, id, { status: "denied", decidedAt: now });
        await deps.audit.recordAll(trx, [
          { actor: actorOf(caller), action: "request.denied", outcome: "success", vmId: decided.locked.vmId, details: requestDetails(decided.locked, { comment }), correlationId: caller.correlationId },
        ]);
      });
      return reload(id, caller);
    },

    /** The requester withdraws a pending request. */
    async cancel(id: string, caller: Caller): Promise<AccessRequest> {
      const now = deps.clock.now();
      const record = await visible(id, caller);
      if (record.requesterOid !== caller.oid) throw new NotAllowedError("Only the requester can cancel a request", { details: { requestId: id } });
      await deps.db.transaction().execute(async (trx) => {
        const locked = await repository.lockForDecision(trx, id);
        if (locked === null || locked.status !== "pending") {
          throw new ConflictError(`The request is ${locked?.status ?? "gone"}; only a pending request can be cancelled`, { details: { requestId: id, status: locked?.status ?? null } });
        }
        await repository.setStatus(trx, id, { status: "cancelled", decidedAt: now });
        await deps.audit.recordAll(trx, [{ actor: actorOf(caller), action: "request.cancelled", outcome: "success", vmId: locked.vmId, details: requestDetails(locked), correlationId: caller.correlationId }]);
      });
      return reload(id, caller);
    },

    /** Closes a break-glass access's review (an approver of the VM other than the requester). */
    async review(id: string, comment: string, caller: Caller): Promise<AccessRequest> {
      const now = deps.clock.now();
      const record = await visible(id, caller);
      if (!record.breakGlass) throw new ConflictError("Only break-glass accesses are reviewed", { details: { requestId: id } });
      if (record.review !== null) throw new ConflictError(`The access was already reviewed by ${record.review.byName}`, { details: { requestId: id } });
      if (!canReview(record, caller)) throw new NotAllowedError("Reviewing a break-glass access needs the Approver role on the VM, and not being its requester", { details: { requestId: id } });
      await deps.db.transaction().execute(async (trx) => {
        await repository.setReview(trx, id, { byOid: caller.oid, byName: caller.name, comment, at: now });
        await deps.audit.recordAll(trx, [{ actor: actorOf(caller), action: "request.break-glass-reviewed", outcome: "success", vmId: record.vmId, details: requestDetails(record, { comment, grantId: record.grantId }), correlationId: caller.correlationId }]);
      });
      return reload(id, caller);
    },

    /** Recent grants and outcomes of the request's requester, for whoever decides it. */
    async requesterHistory(id: string, caller: Caller): Promise<RequesterHistoryResponse> {
      const record = await visible(id, caller);
      const since = new Date(deps.clock.now().getTime() - historyDays * 24 * 3600_000);
      const rows = await deps.db.selectFrom("jit_grant").selectAll().where("requester_oid", "=", record.requesterOid).where("created_at", ">=", since).orderBy("created_at", "desc").limit(20).execute();
      const grants = rows.map(toGrantRecord).map((g) => {
        const view = toGrant(g);
        return { id: view.id, vmName: view.vmName, ports: view.ports, createdAt: view.createdAt, status: view.status, statusReason: view.statusReason, breakGlass: g.breakGlass };
      });
      return { requester: { oid: record.requesterOid, name: record.requesterName }, grants, counts: await repository.countsFor(record.requesterOid, since) };
    },

    /** Lapses pending requests past their wait (`request.lapsed`, which notifies the requester); returns how many. */
    async lapseDue(): Promise<number> {
      const now = deps.clock.now();
      return deps.db.transaction().execute(async (trx) => {
        const lapsed = await repository.lapseDue(trx, now, 500);
        if (lapsed.length > 0) {
          await deps.audit.recordAll(
            trx,
            lapsed.map((r) => ({
              actor: { oid: "portcullis", name: "Portcullis scheduler", ip: null },
              action: "request.lapsed" as const,
              outcome: "success" as const,
              vmId: r.vmId,
              details: requestDetails(r, { approvals: tallyDecisions(r.approval, r.decisions).approvals, required: r.approval.requiredApprovals, expiresAt: r.expiresAt.toISOString() }),
              correlationId: r.correlationId,
            })),
          );
          deps.logger.info({ lapsed: lapsed.length }, "access requests lapsed");
        }
        return lapsed.length;
      });
    },
  };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
