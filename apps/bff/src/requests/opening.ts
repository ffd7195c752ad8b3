import { randomUUID } from "node:crypto";
import type { CreateAccessRequestBody, Grant } from "@portcullis/contract";
import { fitRequest, isWide, sourceCoverage, supersededGrants, validatePolicy, type FittedRequest, type JitPolicy } from "@portcullis/core";
import type { Kysely } from "kysely";
import type { AuditActor, AuditEventInput, AuditRecorder } from "../lib/audit/audit-events.ts";
import { actorOf, type Caller } from "../lib/auth/caller.ts";
import type { ArmClients } from "../lib/azure/clients.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import { ConflictError, InputError, NotFoundError, problemsError, problemsMessage } from "../lib/errors.ts";
import type { Logger } from "../lib/logger.ts";
import { policyOperationError } from "../policies/errors.ts";
import { policyIssueProblems, toJitPolicy } from "../policies/policy-mapping.ts";
import type { PolicyRepository } from "../policies/repository.ts";
import { positionNsgIds, readVmPositions } from "../lib/azure/vm-positions.ts";
import type { VmNetworkRead } from "../lib/azure/nsg-read.ts";
import type { Clock } from "../lib/time/clock.ts";
import { errorDetails, errorText, leftNothing, openError } from "./errors.ts";
import { plannerGrant } from "./grant-plans.ts";
import { grantAuditDetails, toGrant, type GrantRecord } from "./grant-record.ts";
import type { GrantWriter } from "./grant-writer.ts";
import { createOpener, type OpenJob } from "./opener.ts";
import type { GrantRepository, Lease } from "./repository.ts";

/** What opening a grant needs: storage, ARM, the NSG writer, and the knobs of its deadline and lease. */
export interface GrantOpeningDeps {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  grants: GrantRepository;
  policies: PolicyRepository;
  arm: ArmClients;
  writer: GrantWriter;
  clock: Clock;
  instanceId: string;
  logger: Logger;
  /** ARM time per request, lock waits and retries included; default 120 s. */
  operationTimeoutMs?: number;
  /** How long this process holds a grant it works on before another may take it over; default 5 minutes. */
  leaseMs?: number;
  /** Batching window for grants to the same NSGs; default 5 ms. */
  coalesceWindowMs?: number;
  /** A request is answered within this long: with the outcome, or with the grant still `opening`; default 25 s. */
  answerWithinMs?: number;
  /** Runs the expiry job now (a revocation waits for it); set by the wiring once the scheduler exists. */
  wakeExpiry?: () => void;
}

export const defaultAnswerWithinMs = 25_000;

export const defaultLeaseMs = 5 * 60_000;

/** One grant to open from a fitted request (a new request, a break-glass one, or an approved one). */
export interface OpenSpec {
  vmId: string;
  jitPolicy: JitPolicy;
  /** Ports, sources, justification and the window (`startsAt`/`endsAt`) to grant. */
  fitted: FittedRequest;
  requester: { oid: string; name: string; username: string; ip: string | null };
  /** Who the audit trail says opened it (the requester, or the last approver). */
  actor: AuditActor;
  correlationId: string | null;
  /** The grant's id when it must be known before (an approved request records it). */
  grantId?: string;
  requestId: string | null;
  breakGlass: boolean;
  /** Work in the transaction that stores the opening grant, before its audit events (may throw to refuse). */
  stored?: (trx: Kysely<DatabaseSchema>, record: GrantRecord) => Promise<void>;
  /** Work in the transaction that records a failed opening. */
  failed?: (trx: Kysely<DatabaseSchema>, message: string) => Promise<void>;
  /** The audit events stored with the opening grant. */
  openingEvents(record: GrantRecord, supersede: readonly string[]): AuditEventInput[];
}

/**
 * Opening grants: fitting a request to the VM's policy, then the NSG writes, the grant row and its audit events.
 * The request service opens new requests through it; approvals open approved ones through its narrow port
 * (`OpeningPort`), so neither component builds the other.
 */
export function createGrantOpening(deps: GrantOpeningDeps) {
  const timeoutMs = deps.operationTimeoutMs ?? 120_000;
  const answerWithinMs = deps.answerWithinMs ?? defaultAnswerWithinMs;
  /** Openings still writing after their caller was answered; a clean shutdown waits for them (`drain`). */
  const background = new Set<Promise<Grant>>();
  const leaseMs = deps.leaseMs ?? defaultLeaseMs;
  const lease = (now: Date = deps.clock.now()): Lease => ({ claimedBy: deps.instanceId, now, until: new Date(now.getTime() + leaseMs) });
  const audits = new Map<string, { actor: AuditActor; correlationId: string | null }>();

  const opener = createOpener({
    writer: deps.writer,
    ...(deps.coalesceWindowMs === undefined ? {} : { windowMs: deps.coalesceWindowMs }),
    async commit(jobs: readonly OpenJob[]) {
      const ids = jobs.map((job) => job.record.id);
      const superseded = jobs.flatMap((job) => job.superseded.map((g) => g.id));
      const supersededBy = new Map(jobs.flatMap((job) => job.superseded.map((g) => [g.id, job.record.id] as const)));
      let revokePending = false;
      await deps.grants.markOpened(ids, superseded, lease(), (trx, changed) => {
        revokePending = changed.some((record) => record.status === "open" && record.revokeRequested !== null);
        return deps.audit.recordAll(
          trx,
          changed.map((record): AuditEventInput => {
            const by = supersededBy.get(record.id);
            const context = audits.get(by ?? record.id);
            const frame = {
              actor: context?.actor ?? { oid: record.requesterOid, name: record.requesterName, ip: record.requesterIp },
              outcome: "success" as const,
              vmId: record.vmId,
              correlationId: context?.correlationId ?? null,
            };
            return by === undefined
              ? { ...frame, action: "request.opened", details: grantAuditDetails(record, { nsgIds: record.nsgIds, endsAt: record.endsAt.toISOString() }) }
              : { ...frame, action: "request.superseded", details: { ...grantAuditDetails(record, { reason: "NewerRequestInitiated" }), supersededBy: by } };
          }),
        ).then(() => undefined);
      });
      // Revoked while it was opening (a role removed meanwhile): the expiry job closes it now.
      if (revokePending) deps.wakeExpiry?.();
    },
  });

  /** The VM's policy and the request fitted to it (403/404/400 before anything is stored or written). */
  async function fitToPolicy(body: CreateAccessRequestBody, caller: Caller, now: Date) {
    const policy = await deps.policies.get(body.vmId);
    if (policy === null) {
      throw new NotFoundError(`VM ${body.vmId} has no JIT policy: access cannot be requested until an admin enables JIT on it`, {
        details: { vmId: body.vmId, problems: [{ field: "vmId", rule: "has no JIT policy" }] },
      });
    }
    const jitPolicy = toJitPolicy(policy.ports);
    // A policy stored before today's rules (a disguised "any" in a fixed list, say) grants nothing until an admin fixes it.
    const stale = validatePolicy(jitPolicy);
    if (stale.length > 0) {
      // Named as the policy's API names its fields (`ports[0].maxRequestDuration`), since an admin fixes the policy.
      const problems = policyIssueProblems(stale);
      throw new ConflictError(`VM ${policy.vmName}'s JIT policy no longer passes validation (${problemsMessage(problems)}): an admin must edit it before access can be requested`, {
        details: { vmId: body.vmId, reason: "PolicyInvalid", problems },
      });
    }
    const fit = fitRequest({
      policy: jitPolicy,
      request: {
        ports: body.ports,
        sources: body.sources.kind === "my-ip" ? { kind: "my-ip", ip: caller.ip ?? "unknown" } : body.sources,
        durationMinutes: body.durationMinutes,
        ...(body.justification === undefined ? {} : { justification: body.justification }),
      },
      justificationRequired: policy.justificationRequired,
      justificationRule: policy.justificationRule,
      now,
    });
    if (!fit.ok) throw problemsError(fit.problems);
    return { policy, jitPolicy, fitted: fit.grant };
  }

  /**
   * A request the policy refused (400) leaves one trace: a failed `request.created` event with what was asked
   * and why not, so someone probing the policy shows up in the activity log. Nothing else is stored.
   */
  async function recordRefusal(body: CreateAccessRequestBody, caller: Caller, error: unknown): Promise<void> {
    if (!(error instanceof InputError)) return;
    const asked = body.sources.kind === "ranges" ? body.sources.prefixes : caller.ip === null ? [] : [caller.ip];
    const coverage = sourceCoverage(asked);
    await deps.audit.record(deps.db, {
      actor: actorOf(caller),
      action: "request.created",
      outcome: "failure",
      vmId: body.vmId,
      details: {
        ports: body.ports.map((p) => (p.protocol === undefined ? { port: p.port } : { port: p.port, protocol: p.protocol })),
        sources: asked,
        durationMinutes: body.durationMinutes,
        opensToAnyAddress: isWide(coverage),
        ...errorDetails(error),
      },
      error: error.message,
      correlationId: caller.correlationId,
    }).catch((e: unknown) => deps.logger.error({ err: e }, "could not record a refused access request"));
  }

  /**
   * Opens a fitted request: reads the VM's NSGs, stores the grant (`opening`) with `spec.stored`'s work and audit
   * events in the same transaction, writes the Allow rules, and marks it open (or failed, with `spec.failed`).
   */
  async function openFitted(spec: OpenSpec): Promise<Grant> {
    const { fitted, requester } = spec;
    // The answer time runs from here: the reads before anything is stored are bounded by it too (a throttled read
    // would otherwise sleep ARM's Retry-After inside the SDK), and nothing is stored or written when they time out.
    const answerBy = Date.now() + answerWithinMs;
    let read;
    try {
      read = (await readVmPositions(deps.arm, [spec.vmId], "throw", AbortSignal.timeout(answerWithinMs))).get(spec.vmId.toLowerCase());
    } catch (error) {
      throw policyOperationError(error, "No port was opened.");
    }
    if (read === undefined) throw new NotFoundError(`${spec.vmId} was not found in Azure`, { details: { resourceId: spec.vmId } });
    const nsgIds = positionNsgIds(read);
    const existing = await deps.grants.openOnVm(requester.oid, spec.vmId);
    const supersede = supersededGrants(
      existing.map((r) => ({ id: r.id, requesterOid: r.requesterOid, vmId: r.vmId, ports: r.ports, status: "open" as const })),
      { requesterOid: requester.oid, vmId: spec.vmId, ports: fitted.ports },
    );
    const now = deps.clock.now();
    const held = lease(now);
    const record: GrantRecord = {
      id: spec.grantId ?? randomUUID(),
      vmId: read.vm.id.toLowerCase(),
      vmName: read.vm.name,
      resourceGroup: read.vm.resourceGroup,
      subscriptionId: read.vm.subscriptionId,
      requesterOid: requester.oid,
      requesterName: requester.name,
      requesterIp: requester.ip,
      ports: fitted.ports,
      sourcePrefixes: fitted.sourcePrefixes,
      justification: fitted.justification,
      status: "opening",
      statusReason: null,
      createdAt: now,
      startsAt: fitted.startsAt,
      endsAt: fitted.endsAt,
      closedAt: null,
      closeAttempts: 0,
      nextAttemptAt: null,
      lastError: null,
      nsgIds,
      correlationId: spec.correlationId,
      claimedBy: held.claimedBy,
      leaseUntil: held.until,
      privateIps: read.nics.flatMap((nic) => nic.privateIps),
      osType: read.vm.osType,
      adminUsername: read.adminUsername,
      requesterUsername: requester.username,
      requestId: spec.requestId,
      breakGlass: spec.breakGlass,
      revokeRequested: null,
    };
    const { actor } = spec;
    const superseded = await deps.grants.insertOpening(record, supersede, async (trx) => {
      await spec.stored?.(trx, record);
      await deps.audit.recordAll(trx, spec.openingEvents(record, supersede));
    });
    audits.set(record.id, { actor, correlationId: spec.correlationId });
    const done = writeAndRecord(spec, record, read, superseded, nsgIds);
    // The caller hears within `answerWithinMs` whatever ARM does: either the outcome, or that the grant is still
    // opening (the write goes on under the operation's deadline, is recorded when it ends, and the grant closes at
    // its end either way; a process that dies meanwhile leaves it to whoever takes its work over).
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), Math.max(0, answerBy - Date.now()));
    });
    try {
      const first = await Promise.race([done, late]);
      if (first !== "late") return first;
    } finally {
      clearTimeout(timer);
    }
    background.add(done);
    done.then(
      () => background.delete(done),
      () => background.delete(done),
    );
    return toGrant(record);
  }

  /** The NSG writes of an opening and what they come to (open, or failed and recorded so). */
  async function writeAndRecord(spec: OpenSpec, record: GrantRecord, read: VmNetworkRead, superseded: readonly GrantRecord[], nsgIds: string[]): Promise<Grant> {
    const { actor } = spec;
    try {
      const outcome = await opener.open({
        record,
        grant: plannerGrant(record, read.position, spec.jitPolicy),
        superseded: superseded.map((r) => plannerGrant(r, read.position, spec.jitPolicy)),
        nsgIds,
        deadline: Date.now() + timeoutMs,
      });
      if (outcome.ok) return toGrant({ ...record, status: "open", claimedBy: null, leaseUntil: null });
      const settled = leftNothing(outcome.error);
      const mapped = openError(outcome.error, settled);
      const message = errorText(mapped);
      try {
        await deps.grants.markOpenFailed(record.id, superseded.map((r) => r.id), message, settled, lease(), async (trx) => {
          await spec.failed?.(trx, message);
          await deps.audit.record(trx, { actor, action: "request.failed", outcome: "failure", vmId: record.vmId, details: { ...grantAuditDetails(record, errorDetails(mapped)), settled }, error: message, correlationId: spec.correlationId });
        });
      } catch (error) {
        // The row stays `opening` under its lease; the expiry job closes it when the lease ends.
        deps.logger.error({ err: error, grantId: record.id }, "could not record a failed grant; the expiry job closes it after its lease");
      }
      throw mapped;
    } finally {
      audits.delete(record.id);
    }
  }

  return {
    fitToPolicy,
    recordRefusal,
    openFitted,
    lease,
    timeoutMs,
    /** Waits for openings that were still writing when their caller was answered. */
    async drain(): Promise<void> {
      await Promise.allSettled([...background]);
    },
  };
}

export type GrantOpening = ReturnType<typeof createGrantOpening>;

/** What approvals use to open an approved request: the same fitting and opening path as a new request. */
export type OpeningPort = Pick<GrantOpening, "fitToPolicy" | "openFitted">;
