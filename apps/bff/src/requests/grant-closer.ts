import type { Kysely } from "kysely";
import type { AuditAction, AuditActor, AuditEventInput, AuditRecorder } from "../lib/audit/audit-events.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import type { Logger } from "../lib/logger.ts";
import type { Clock } from "../scheduler/clock.ts";
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
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  writer: GrantWriter;
  clock: Clock;
  /** This process's id: the holder of the leases it takes. */
  instanceId: string;
  logger: Logger;
  retry?: Partial<CloseRetrySettings>;
  /** ARM time for one close, lock waits and retries included; default 120 s. */
  operationTimeoutMs?: number;
}

export interface ClosedGrants {
  closed: GrantRecord[];
  failed: Array<{ record: GrantRecord; error: unknown }>;
}

/** The audit action that records a grant closing for this reason. */
export function closeAction(reason: GrantReason | null): AuditAction {
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

/**
 * Closes grants this process has claimed (`closing`, leased to it): removes their Allow rules, then marks them
 * closed with one audit event each, or, when ARM fails, keeps them closing and due again after a backoff
 * (`request.close-retried`). A grant is never dropped: it stays due until its rules are gone.
 */
export function createGrantCloser(deps: GrantCloserDeps) {
  const retry = { ...defaultCloseRetry, ...deps.retry };
  const timeoutMs = deps.operationTimeoutMs ?? 120_000;

  function backoff(attempt: number): number {
    return Math.min(retry.maxMs, retry.baseMs * 2 ** Math.max(0, attempt - 1));
  }

  function event(db: Kysely<DatabaseSchema>, events: AuditEventInput[]): Promise<void> {
    return deps.audit.recordAll(db, events).then(() => undefined);
  }

  return {
    /** `why` is added to the closing events' details (e.g. the revocation's cause). */
    async close(records: readonly GrantRecord[], actor: AuditActor, correlationId: string | null = null, why: Record<string, unknown> = {}): Promise<ClosedGrants> {
      if (records.length === 0) return { closed: [], failed: [] };
      const outcome = await deps.writer.close(records, Date.now() + timeoutMs);
      const lease = { claimedBy: deps.instanceId, now: deps.clock.now(), until: deps.clock.now() };
      const closed = await deps.grants.finishClose(outcome.closed, lease, (trx, changed) =>
        event(
          trx,
          changed.map((record) => ({
            actor,
            action: closeAction(record.statusReason),
            outcome: record.statusReason === "OpenFailed" ? "failure" : "success",
            vmId: record.vmId,
            details: grantAuditDetails(record, { reason: record.statusReason, nsgIds: record.nsgIds, endsAt: record.endsAt.toISOString(), closeAttempts: record.closeAttempts, ...why }),
            error: record.statusReason === "OpenFailed" ? record.lastError : null,
            correlationId: correlationId ?? record.correlationId,
          })),
        ),
      );
      const now = deps.clock.now();
      const byId = new Map(records.map((r) => [r.id, r]));
      const failures = [...outcome.failed.entries()].map(([id, error]) => {
        const attempt = (byId.get(id)?.closeAttempts ?? 0) + 1;
        return { id, error: errorText(closeError(error)), nextAttemptAt: new Date(now.getTime() + backoff(attempt)), cause: error };
      });
      const retried = await deps.grants.scheduleRetry(failures, deps.instanceId, (trx, changed) =>
        event(
          trx,
          changed.map((record) => {
            const failure = failures.find((f) => f.id === record.id);
            return {
              actor,
              action: "request.close-retried" as const,
              outcome: "failure" as const,
              vmId: record.vmId,
              details: grantAuditDetails(record, { reason: record.statusReason, attempt: record.closeAttempts, nextAttemptAt: record.nextAttemptAt?.toISOString() ?? null, ...errorDetails(closeError(failure?.cause)) }),
              error: record.lastError,
              correlationId: correlationId ?? record.correlationId,
            };
          }),
        ),
      );
      for (const record of retried) deps.logger.warn({ grantId: record.id, attempt: record.closeAttempts, nextAttemptAt: record.nextAttemptAt, error: record.lastError }, "closing a grant failed; it is retried");
      return { closed, failed: retried.map((record) => ({ record, error: failures.find((f) => f.id === record.id)?.cause })) };
    },
  };
}

export type GrantCloser = ReturnType<typeof createGrantCloser>;
