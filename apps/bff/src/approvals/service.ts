import { randomUUID } from "node:crypto";
import type { AccessRequest, ApprovalSettings, CreateAccessRequestBody, EventDetailsInput } from "@portcullis/contract";
import { approvedGrantWindow, decideAutoApproval, decisionRefusal, requestLapsesAt, tallyDecisions, type AutoApprovalDecision, type FittedRequest } from "@portcullis/core";
import type { Kysely } from "kysely";
import type { AuditActor, AuditEventInput, AuditRecorder } from "../lib/audit/audit-events.ts";
import type { Access } from "../lib/auth/access.ts";
import type { PrincipalAccess } from "../lib/auth/principal-access.ts";
import { scopeCovers, scopeSegments } from "../lib/auth/scope.ts";
import type { PrincipalStore } from "../lib/auth/principal-store.ts";
import type { Directory } from "../lib/auth/directory.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import { ConflictError, NotAllowedError, NotFoundError, problemsError } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { toJitPolicy, type PolicyRecord } from "../policies/policy-mapping.ts";
import type { PolicyRepository } from "../policies/repository.ts";
import { grantVmId } from "../requests/grant-record.ts";
import { actorOf, type Caller } from "../lib/auth/caller.ts";
import type { OpeningPort, OpenSpec } from "../requests/opening.ts";
import type { Clock } from "../lib/time/clock.ts";
import { createApprovalLists, type ApprovalListDeps } from "./lists.ts";
import { createAccessRequestRepository, type AccessRequestRecord } from "./repository.ts";
import { canReview, canSee, deciderOf, requestDetails, toView } from "./request-view.ts";

export interface ApprovalServiceDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  policies: PolicyRepository;
  clock: Clock;
  logger: Logger;
  /** Keeps the requester's claims when they file a request (so they can be re-authorized when they are not the caller). */
  principals: PrincipalStore;
  /** What the requester may do now, checked at every approval. */
  principalAccess: PrincipalAccess;
  /** Group membership when a requester's token overflowed its groups claim (automatic approval). */
  directory: Directory;
  /** The grants' opening path (fitting to the policy, NSG writes, grant row, audit), shared so both paths refuse and open alike. */
  opening: OpeningPort;
  /** The grant component's read of a requester's recent grants (their history, shown beside a request). */
  grants: ApprovalListDeps["grants"];
}

/** The VM a request is about, as stored with it. */
type VmNames = Pick<PolicyRecord, "vmId" | "vmName" | "resourceGroup" | "subscriptionId">;
/** What was asked for. */
type RequestedAccess = Pick<FittedRequest, "ports" | "sourcePrefixes" | "durationMinutes" | "justification">;

/** The actor an automatic approval is recorded under: Portcullis, naming the rule that approved. */
export function autoApprovalActor(rule: string): AuditActor {
  return { oid: "portcullis", name: `Automatic approval rule "${rule}"`, ip: null };
}

/** What the activity log records of an automatic approval rule's verdict on a request. */
export function autoApprovalDetails(decision: AutoApprovalDecision): NonNullable<EventDetailsInput<"request.created">["autoApproval"]> {
  return decision.approved ? { rule: decision.rule, applied: true } : { rule: decision.rule, applied: false, unmet: decision.unmet };
}

/** Raised inside a decision's transaction (rolling it back) when a concurrent approval made this one the last. */
class LastApprovalError extends Error {}

/** Approvals: pending requests, decisions (N of M), cancel, lapse, break-glass and its review. */
export function createApprovalService(deps: ApprovalServiceDeps) {
  const repository = createAccessRequestRepository(deps.db);

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

  /** Whether the requester still holds `jit.request.create` on the request's VM (their claims as last seen, assignments as stored now). */
  function stillAuthorized(access: Access | null, record: AccessRequestRecord): boolean {
    return access !== null && access.has("jit.request.create", record.vmId);
  }

  /** Views of several requests, reading each requester's access once (pending ones say whether it still holds). */
  async function toViews(records: readonly AccessRequestRecord[], caller: Caller, now: Date): Promise<AccessRequest[]> {
    const accessOf = new Map<string, Promise<Access | null>>();
    const views: AccessRequest[] = [];
    for (const record of records) {
      let access = accessOf.get(record.requesterOid);
      if (access === undefined) {
        access = deps.principalAccess.of(record.requesterOid);
        accessOf.set(record.requesterOid, access);
      }
      views.push(toView(record, caller, now, record.status === "pending" ? stillAuthorized(await access, record) : undefined));
    }
    return views;
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
    const [view] = await toViews([record], caller, deps.clock.now());
    return view as AccessRequest;
  }

  /**
   * Ends a pending request whose requester no longer holds `jit.request.create` on its VM: `failed` with the reason
   * RequesterNoLongerAuthorized and a `request.failed` event (which notifies), in one transaction under the
   * request's lock. Returns the message, or null when the request was no longer pending.
   */
  async function endUnauthorized(id: string, actor: AuditActor, correlationId: string | null, now: Date): Promise<string | null> {
    return deps.db.transaction().execute(async (trx) => {
      const locked = await repository.lockForDecision(trx, id);
      if (locked === null || locked.status !== "pending") return null;
      const message = `RequesterNoLongerAuthorized: ${locked.requesterName} no longer holds jit.request.create on ${locked.vmName}, so the request cannot open`;
      await repository.setStatus(trx, id, { status: "failed", decidedAt: now, error: message });
      await deps.audit.recordAll(trx, [
        { actor, action: "request.failed", outcome: "failure", vmId: locked.vmId, details: requestDetails(locked, { reason: "RequesterNoLongerAuthorized" }), error: message, correlationId },
      ]);
      return message;
    });
  }

  return {
    repository,
    ...createApprovalLists({ repository, grants: deps.grants, clock: deps.clock, visible, toViews }),

    /** Refuses break-glass where the policy does not allow it, or without a justification (400 naming the field). */
    checkBreakGlass(policy: PolicyRecord, fitted: FittedRequest): void {
      const problems = [];
      if (!policy.breakGlass) problems.push({ field: "breakGlass", rule: "is not allowed: this VM's policy has no break-glass access" });
      if (fitted.justification === null) problems.push({ field: "justification", rule: "is required for break-glass access" });
      if (problems.length > 0) throw problemsError(problems);
    },

    /**
     * The policy's automatic approval rule judged on this request (null without a rule): the requester's groups from
     * their token (from the directory when the claim overflowed, where it can say; otherwise the group condition
     * fails and the request waits for approvers, with the reason recorded), the ports, the duration and the clock.
     */
    async autoApproval(policy: PolicyRecord, fitted: FittedRequest, caller: Caller, now: Date): Promise<AutoApprovalDecision | null> {
      const rule = policy.approval?.autoApprove;
      if (rule === undefined || rule === null) return null;
      const principal = caller.access.principal;
      const overflowed = principal.groupsOverflowed === true;
      const directoryGroups = overflowed && rule.groups.length > 0 ? await deps.directory.groupsOf(caller.oid) : null;
      return decideAutoApproval(rule, { groups: principal.groups, groupsOverflowed: overflowed, directoryGroups, ports: fitted.ports, durationMinutes: fitted.durationMinutes, now });
    },

    /** Stores a request that waits for approval, with its `request.created` event (which notifies the approvers). */
    async submit(policy: PolicyRecord, fitted: FittedRequest, caller: Caller, now: Date, autoApproval: AutoApprovalDecision | null = null): Promise<AccessRequest> {
      const approval = policy.approval;
      if (approval === null) throw new Error("submit needs a policy with an approval rule");
      const record = newRecord(policy, fitted, caller, now, approval, false);
      await deps.principals.remember(caller.access.principal);
      await deps.db.transaction().execute(async (trx) => {
        await repository.insert(record, trx);
        await deps.audit.recordAll(trx, [
          {
            actor: actorOf(caller),
            action: "request.created",
            outcome: "success",
            vmId: record.vmId,
            details: {
              ...requestDetails(record, { opensToAnyAddress: fitted.opensToAnyAddress }),
              approvalRequired: true,
              required: approval.requiredApprovals,
              expiresAt: record.expiresAt.toISOString(),
              clockStartsAt: approval.clockStartsAt,
              ...(autoApproval === null ? {} : { autoApproval: autoApprovalDetails(autoApproval) }),
            },
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
      const [view] = await toViews([await visible(id, caller)], caller, deps.clock.now());
      return view as AccessRequest;
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
      // An approval lends the approver's authority to the request, never more than the requester's own: re-check it.
      if (!stillAuthorized(await deps.principalAccess.of(record.requesterOid), record)) {
        const ended = await endUnauthorized(id, actorOf(caller), caller.correlationId, now);
        const message = ended ?? `${record.requesterName} no longer holds jit.request.create on ${record.vmName}`;
        throw new ConflictError(`The request cannot be approved: ${message.replace(/^RequesterNoLongerAuthorized: /, "")}. It has been ended.`, {
          details: { requestId: id, reason: "RequesterNoLongerAuthorized" },
        });
      }
      const tally = tallyDecisions(record.approval, [...record.decisions, { approverOid: caller.oid, decision: "approve" as const }]);
      const actor = actorOf(caller);
      const approvedEvent = (locked: AccessRequestRecord, remaining: number, approvals: number, extra: { grantId?: string; endsAt?: string } = {}): AuditEventInput => ({
        actor,
        action: "request.approved",
        outcome: "success",
        vmId: locked.vmId,
        details: { ...requestDetails(locked, { ...(comment === null ? {} : { comment }), ...extra }), approvals, required: locked.approval.requiredApprovals, remaining },
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
        fit = await deps.opening.fitToPolicy(body, requesterCaller, now);
      } catch (error) {
        throw new ConflictError(`The request no longer fits the VM's policy, so it cannot open: ${error instanceof Error ? error.message : String(error)}`, { details: { requestId: id }, cause: error });
      }
      const window = approvedGrantWindow(record.approval, record, now);
      if (window === null) throw new ConflictError("Less than a minute of the requested time remains (the time started at the request), so there is nothing left to open", { details: { requestId: id } });
      const grantId = randomUUID();
      // A failed opening marks the request `failed` (with why) in the transaction that records it, and answers its error.
      await deps.opening.openFitted({
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

    /**
     * After a role assignment at `scope` was removed: cancels the pending requests, on VMs within that scope, of the
     * principals it applied to who no longer hold `jit.request.create` there (`request.cancelled`, reason
     * RequesterNoLongerAuthorized, by the admin who removed it). Returns how many were cancelled.
     */
    async cancelForLostAccess(oids: readonly string[], scope: string, actor: AuditActor, correlationId: string | null): Promise<number> {
      const now = deps.clock.now();
      const within = scopeSegments(scope);
      let cancelled = 0;
      for (const oid of oids) {
        const pending = (await repository.pendingFor(oid)).filter((r) => scopeCovers(within, scopeSegments(r.vmId)));
        if (pending.length === 0) continue;
        const access = await deps.principalAccess.of(oid);
        for (const record of pending.filter((r) => !stillAuthorized(access, r))) {
          const done = await deps.db.transaction().execute(async (trx) => {
            const locked = await repository.lockForDecision(trx, record.id);
            if (locked === null || locked.status !== "pending") return false;
            const message = `RequesterNoLongerAuthorized: ${locked.requesterName} no longer holds jit.request.create on ${locked.vmName}`;
            await repository.setStatus(trx, record.id, { status: "cancelled", decidedAt: now, error: message });
            await deps.audit.recordAll(trx, [
              { actor, action: "request.cancelled", outcome: "success", vmId: locked.vmId, details: requestDetails(locked, { reason: "RequesterNoLongerAuthorized" }), error: message, correlationId },
            ]);
            return true;
          });
          if (done) cancelled += 1;
        }
      }
      return cancelled;
    },

    /** Lapses pending requests past their wait (`request.lapsed`, which notifies the requester); returns how many. */
    async lapseDue(): Promise<number> {
      const now = deps.clock.now();
      return deps.db.transaction().execute(async (trx) => {
        const lapsed = await repository.lapseDue(trx, now, 500);
        if (lapsed.length > 0) {
          await deps.audit.recordAll(
            trx,
            lapsed.map((r): AuditEventInput => ({
              actor: { oid: "portcullis", name: "Portcullis scheduler", ip: null },
              action: "request.lapsed" as const,
              outcome: "success" as const,
              vmId: r.vmId,
              details: { ...requestDetails(r), approvals: tallyDecisions(r.approval, r.decisions).approvals, required: r.approval.requiredApprovals, expiresAt: r.expiresAt.toISOString() },
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
