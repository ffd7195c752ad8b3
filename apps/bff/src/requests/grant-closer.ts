import { armIdKey, backoffDelay, forEachPooled } from "@portcullis/core";
import { auditEvent, type AuditActor, type AuditEventInput, type AuditRecorder } from "../lib/audit/audit-events.ts";
import { NsgChangeFailedError } from "../lib/azure/nsg-apply.ts";
import { isRetryableTransaction } from "../lib/db/unavailable.ts";
import { UpstreamUnavailableError } from "../lib/errors.ts";
import { LocksBusyError, LockTimeoutError } from "../lib/locks/nsg-locks.ts";
import type { Logger } from "../lib/logger.ts";
import type { Clock } from "../lib/time/clock.ts";
import { createBatcher } from "./batcher.ts";
import type { ClaimedUnits, UnitFailure, UnitOutcomes } from "./expiry-units.ts";
import { closeError, errorDetails, errorText } from "./errors.ts";
import { grantAuditDetails, type GrantReason, type GrantRecord } from "./grant-record.ts";
import type { GrantWriter } from "./grant-writer.ts";
import type { GrantRepository } from "./repository.ts";

export interface CloseRetrySettings {
  /** Wait before the second attempt; doubles per failed attempt. */
  baseMs: number;
  maxMs: number;
}

export const defaultCloseRetry: CloseRetrySettings = { baseMs: 5_000, maxMs: 300_000 };

export interface GrantCloserDeps {
  grants: GrantRepository;
  writer: GrantWriter;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  clock: Clock;
  /** This process's id: the holder of the leases it takes. */
  instanceId: string;
  logger: Logger;
  retry?: Partial<CloseRetrySettings>;
  /** ARM time for one NSG's close, lock waits included; default 120 s. */
  operationTimeoutMs?: number;
  /** NSGs closed at once (each on its own: a slow one holds only its own place); default 16. */
  concurrency?: number;
  /** Told when a close failed because ARM did not answer, so recovery can be watched for. */
  armUnreachable?(): void;
}

export interface ClosedGrants {
  closed: GrantRecord[];
  failed: Array<{ record: GrantRecord; error: unknown }>;
}

/** The audit action that records a grant closing for this reason. */
export function closeAction(reason: GrantReason | null): "request.revoked" | "request.superseded" | "request.failed" | "request.expired" {
  switch (reason) {
    case "UserRequested":
    case "Revoked":
      return "request.revoked";
    case "NewerRequestInitiated":
      return "request.superseded";
    case "OpenFailed":
      return "request.failed";
    default:
      return "request.expired";
  }
}

/** Why a close waits for its retry, and until when. */
interface RetryPlan {
  reason: "unreachable" | "throttled" | "busy" | "failed";
  afterMs: number;
}

/** A close's work: one NSG and the claimed grants with rules in it. */
interface Unit {
  nsgId: string;
  grantIds: string[];
}

/** The audit events of grants recorded closed (`why` is added to their details). */
function closedEvents(changed: readonly GrantRecord[], actor: AuditActor, correlationId: string | null, why: { cause?: string }): AuditEventInput[] {
  return changed.map((record): AuditEventInput => {
    // A revocation recorded while the grant was not free is closed in its revoker's name.
    const revoked = record.statusReason === "Revoked" ? record.revokeRequested : null;
    return auditEvent(
      {
        actor: revoked?.actor ?? actor,
        outcome: record.statusReason === "OpenFailed" ? "failure" : "success",
        vmId: record.vmId,
        error: record.statusReason === "OpenFailed" ? record.lastError : null,
        correlationId: revoked?.correlationId ?? correlationId ?? record.correlationId,
      },
      closeAction(record.statusReason),
      {
        ...grantAuditDetails(record, { reason: record.statusReason, nsgIds: record.nsgIds, endsAt: record.endsAt.toISOString() }),
        closeAttempts: record.closeAttempts,
        ...(revoked === null ? {} : { cause: revoked.cause }),
        ...why,
      },
    );
  });
}

/** The audit events of closes that failed and wait for their retry. */
function retriedEvents(changed: readonly GrantRecord[], failures: ReadonlyArray<{ id: string; reason: string; cause: unknown }>, actor: AuditActor, correlationId: string | null): AuditEventInput[] {
  return changed.map((record): AuditEventInput => {
    const failure = failures.find((f) => f.id === record.id);
    return {
      actor,
      action: "request.close-retried",
      outcome: "failure",
      vmId: record.vmId,
      details: { ...grantAuditDetails(record, { reason: record.statusReason, ...errorDetails(closeError(failure?.cause)) }), attempt: record.closeAttempts, nextAttemptAt: record.nextAttemptAt?.toISOString() ?? null, retryReason: failure?.reason ?? null },
      error: record.lastError,
      correlationId: correlationId ?? record.correlationId,
    };
  });
}

/** Attempts at recording the outcome of written NSGs, and the wait before the second (doubling, at most 2 s). */
const recordAttempts = 5;
const recordRetry = { baseMs: 100, maxMs: 2_000 };

/** Runs `work` (one transaction) again while it fails in a way that says it did not commit and may succeed later. */
async function retryTransient<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= recordAttempts || !isRetryableTransaction(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, recordRetry)));
    }
  }
}

/**
 * Closes grants this process has claimed (`closing`, leased to it). The work is split by NSG: each NSG is one
 * unit, written once for all its grants, with its own deadline and its own retry time, so a throttled or slow
 * NSG never holds up another. A grant is recorded closed (`closed_at`, its audit event) as soon as every NSG it
 * was written to is clean, not when the whole batch ends; when one of its NSGs fails, it stays `closing` and is
 * due again at the time ARM gave (Retry-After) or after a backoff (`request.close-retried`). Never dropped.
 */
export function createGrantCloser(deps: GrantCloserDeps) {
  const retry = { ...defaultCloseRetry, ...deps.retry };
  const timeoutMs = deps.operationTimeoutMs ?? 120_000;
  const concurrency = deps.concurrency ?? 16;

  function backoff(attempt: number): number {
    return backoffDelay(attempt, { baseMs: retry.baseMs, maxMs: retry.maxMs });
  }

  function retryPlan(error: unknown, attempt: number): RetryPlan {
    if (error instanceof LockTimeoutError || error instanceof LocksBusyError) return { reason: "busy", afterMs: Math.min(backoff(attempt), 5_000) };
    // Reading the NSG failed (no answer, 5xx, a refused token): wait for ARM to answer again.
    if (error instanceof UpstreamUnavailableError) return { reason: "unreachable", afterMs: backoff(attempt) };
    if (error instanceof NsgChangeFailedError) {
      const { failure } = error;
      if ((failure.kind === "busy" || failure.kind === "throttled") && failure.retryAfterMs !== null) return { reason: failure.kind, afterMs: failure.retryAfterMs };
      if (failure.kind === "busy" || failure.kind === "throttled") return { reason: failure.kind, afterMs: backoff(attempt) };
      if (failure.kind === "unreachable") return { reason: "unreachable", afterMs: backoff(attempt) };
    }
    return { reason: "failed", afterMs: backoff(attempt) };
  }

  function unitsOf(records: readonly GrantRecord[]): Unit[] {
    const byNsg = new Map<string, Unit>();
    for (const record of records) {
      for (const nsgId of record.nsgIds) {
        const unit = byNsg.get(armIdKey(nsgId)) ?? { nsgId, grantIds: [] };
        unit.grantIds.push(record.id);
        byNsg.set(armIdKey(nsgId), unit);
      }
    }
    return [...byNsg.values()];
  }

  return {
    /** `why` is added to the closing events' details (e.g. the revocation's cause). Resolves when every NSG's unit ended. */
    async close(records: readonly GrantRecord[], actor: AuditActor, correlationId: string | null = null, why: { cause?: string } = {}): Promise<ClosedGrants> {
      if (records.length === 0) return { closed: [], failed: [] };
      const byId = new Map(records.map((r) => [r.id, r]));
      const remaining = new Map(records.map((r) => [r.id, new Set(r.nsgIds.map(armIdKey))]));
      const given = new Set<string>();
      const result: ClosedGrants = { closed: [], failed: [] };

      // Finished grants are recorded in small batches as they come (one transaction and chain append per batch).
      const finisher = createBatcher<string>(async (ids) => {
        const lease = { claimedBy: deps.instanceId, now: deps.clock.now(), until: deps.clock.now() };
        const closed = await deps.grants.finishClose(ids, lease, (trx, changed) => deps.audit.recordAll(trx, closedEvents(changed, actor, correlationId, why)).then(() => undefined));
        result.closed.push(...closed);
      });
      const retrier = createBatcher<{ id: string; error: unknown; plan: RetryPlan }>(async (items) => {
        const now = deps.clock.now();
        const failures = items.map(({ id, error, plan }) => ({ id, error: errorText(closeError(error)), nextAttemptAt: new Date(now.getTime() + plan.afterMs), reason: plan.reason, cause: error }));
        const retried = await deps.grants.scheduleRetry(failures, deps.instanceId, (trx, changed) => deps.audit.recordAll(trx, retriedEvents(changed, failures, actor, correlationId)).then(() => undefined));
        for (const record of retried) {
          deps.logger.warn({ grantId: record.id, attempt: record.closeAttempts, nextAttemptAt: record.nextAttemptAt, error: record.lastError }, "closing a grant failed; it is retried");
          result.failed.push({ record, error: failures.find((f) => f.id === record.id)?.cause });
        }
      });

      const done = (id: string, nsgKey: string | null) => {
        if (given.has(id)) return;
        const left = remaining.get(id);
        if (nsgKey !== null) left?.delete(nsgKey);
        if (left === undefined || left.size === 0) {
          given.add(id);
          finisher.add(id);
        }
      };
      // A grant that was written to no NSG (its VM had none left) has nothing to remove.
      for (const record of records) if (record.nsgIds.length === 0) done(record.id, null);

      const units = unitsOf(records);
      await forEachPooled(units, concurrency, async (unit) => {
        try {
          await deps.writer.closeOnNsg(unit.nsgId, unit.grantIds, Date.now() + timeoutMs);
          for (const id of unit.grantIds) done(id, armIdKey(unit.nsgId));
        } catch (error) {
          for (const id of unit.grantIds) {
            if (given.has(id)) continue;
            given.add(id);
            const plan = retryPlan(error, (byId.get(id)?.closeAttempts ?? 0) + 1);
            if (plan.reason === "unreachable") deps.armUnreachable?.();
            retrier.add({ id, error, plan });
          }
        }
      });
      await Promise.all([finisher.flush(), retrier.flush()]);
      return result;
    },

    /**
     * Works off NSG units this process claimed for the shared expiry (expiry-units.ts): each NSG is written once
     * for all its grants; a written NSG is recorded cleared on them (a grant closes when its last NSG is, on
     * whichever process that is), a failed one puts its grants' close off until their retry time. Outcomes are
     * recorded in small batches, each with its units' release in the same transaction.
     */
    async closeUnits(claimed: ClaimedUnits, actor: AuditActor): Promise<ClosedGrants> {
      const result: ClosedGrants = { closed: [], failed: [] };
      if (claimed.units.length === 0 && claimed.ready.length === 0) return result;
      const byId = new Map(claimed.grants.map((r) => [r.id, r]));
      const causes = new Map<string, { reason: string; cause: unknown }>();
      const retrying = new Set<string>();
      const recorder = createBatcher<Partial<UnitOutcomes>>(async (items) => {
        const outcomes: UnitOutcomes = { cleared: items.flatMap((i) => i.cleared ?? []), failed: items.flatMap((i) => i.failed ?? []), ready: items.flatMap((i) => i.ready ?? []) };
        // The NSGs are written: their outcome must be recorded now, not when the claim's lease ends (minutes), so a
        // transaction that certainly did not commit (a deadlock's victim, no connection) is run again after a short wait.
        const recorded = await retryTransient(() => deps.grants.recordUnits(
          outcomes,
          deps.instanceId,
          deps.clock.now(),
          (trx, changed) => deps.audit.recordAll(trx, closedEvents(changed, actor, null, {})).then(() => undefined),
          (trx, changed) => {
            const failures = changed.map((record) => ({ id: record.id, ...(causes.get(record.id) ?? { reason: "failed", cause: undefined }) }));
            return deps.audit.recordAll(trx, retriedEvents(changed, failures, actor, null)).then(() => undefined);
          },
        ));
        result.closed.push(...recorded.closed);
        for (const record of recorded.retried) {
          deps.logger.warn({ grantId: record.id, attempt: record.closeAttempts, nextAttemptAt: record.nextAttemptAt, error: record.lastError }, "closing a grant failed; it is retried");
          result.failed.push({ record, error: causes.get(record.id)?.cause });
        }
      });
      if (claimed.ready.length > 0) recorder.add({ ready: claimed.ready });
      await forEachPooled(claimed.units, concurrency, async (unit) => {
        try {
          await deps.writer.closeOnNsg(unit.nsgId, unit.grantIds, Date.now() + timeoutMs);
          recorder.add({ cleared: [{ nsgKey: unit.nsgKey, grantIds: unit.grantIds }] });
        } catch (error) {
          const now = deps.clock.now();
          const failures: UnitFailure[] = [];
          for (const id of unit.grantIds) {
            // A grant that failed on another of its NSGs already waits for its retry.
            if (retrying.has(id)) continue;
            retrying.add(id);
            const plan = retryPlan(error, (byId.get(id)?.closeAttempts ?? 0) + 1);
            if (plan.reason === "unreachable") deps.armUnreachable?.();
            causes.set(id, { reason: plan.reason, cause: error });
            failures.push({ id, error: errorText(closeError(error)), nextAttemptAt: new Date(now.getTime() + plan.afterMs), reason: plan.reason });
          }
          recorder.add({ failed: [{ nsgKey: unit.nsgKey, failures }] });
        }
      });
      await recorder.flush();
      return result;
    },
  };
}

export type GrantCloser = ReturnType<typeof createGrantCloser>;
