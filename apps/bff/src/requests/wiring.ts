import { randomUUID } from "node:crypto";
import type { Nsg } from "@portcullis/core";
import type { Kysely } from "kysely";
import type { AuditRecorder } from "../lib/audit/audit-events.ts";
import type { NsgRetrySettings } from "../lib/azure/nsg-apply.ts";
import type { ArmClients } from "../lib/azure/clients.ts";
import type { SchedulerConfig } from "../lib/config.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import type { NsgLockManager } from "../lib/locks/nsg-locks.ts";
import type { Logger } from "../lib/logger.ts";
import type { PrincipalAccess } from "../lib/auth/principal-access.ts";
import type { PrincipalStore } from "../lib/auth/principal-store.ts";
import type { PolicyRepository } from "../policies/repository.ts";
import { systemClock, systemTimer, type Clock, type Timer } from "../scheduler/clock.ts";
import type { DriftRepository } from "../scheduler/drift-repository.ts";
import { createExpiryJob, type ExpiryJob } from "../scheduler/expiry-job.ts";
import { createReconciler, type Reconciler } from "../scheduler/reconciler.ts";
import { createScheduler, type PeriodicJob, type Scheduler } from "../scheduler/scheduler.ts";
import { createGrantCloser, type CloseRetrySettings } from "./grant-closer.ts";
import { createGrantWriter } from "./grant-writer.ts";
import { createGrantRepository } from "./repository.ts";
import { createRequestService, type RequestService } from "./service.ts";

/** How often pending requests past their wait are lapsed. */
const approvalLapseIntervalMs = 15_000;

/** Knobs tests turn; production uses the defaults. */
export interface AccessRequestTuning {
  /** ARM time per operation (lock waits and retries included); default 120 s. */
  operationTimeoutMs?: number;
  /** How long a process holds a grant it works on before another may take it over; default 5 minutes. */
  leaseMs?: number;
  coalesceWindowMs?: number;
  nsgRetry?: Partial<NsgRetrySettings>;
  closeRetry?: Partial<CloseRetrySettings>;
  /** How the scheduler waits; default real timers. */
  timer?: Timer;
}

export interface AccessRequestDeps {
  db: Kysely<DatabaseSchema>;
  /** Requesters' last-seen claims: kept when they file a request, read back to re-authorize them. */
  principals: PrincipalStore;
  /** What a requester may do now, when someone else (an approver) acts on their request. */
  principalAccess: PrincipalAccess;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  policies: PolicyRepository;
  drift: DriftRepository;
  arm: ArmClients;
  locks: NsgLockManager;
  logger: Logger;
  scheduler: SchedulerConfig;
  clock?: Clock;
  tuning?: AccessRequestTuning;
  nsgsChanged?(nsgs: readonly Nsg[]): Promise<void>;
  /** Other periodic jobs the scheduler runs beside expiry and the reconciler (approval lapses, notification delivery). */
  jobs?: readonly PeriodicJob[];
}

export interface AccessRequests {
  requests: RequestService;
  expiry: ExpiryJob;
  reconciler: Reconciler;
  scheduler: Scheduler;
  /** Closes what became due while no process ran (PGlite: first taking over the stopped process's leases), then runs the jobs. */
  startJobs(options: { takeOverStoppedProcesses: boolean }): Promise<void>;
}

/** The request service and its background jobs, sharing one lease holder id per process. */
export function assembleAccessRequests(deps: AccessRequestDeps): AccessRequests {
  const clock = deps.clock ?? systemClock;
  const tuning = deps.tuning ?? {};
  const instanceId = randomUUID();
  const grants = createGrantRepository(deps.db);
  const timeouts = tuning.operationTimeoutMs === undefined ? {} : { operationTimeoutMs: tuning.operationTimeoutMs };
  const writer = createGrantWriter({
    arm: deps.arm,
    locks: deps.locks,
    logger: deps.logger,
    ...(tuning.nsgRetry === undefined ? {} : { retry: tuning.nsgRetry }),
    ...(deps.nsgsChanged === undefined ? {} : { nsgsChanged: deps.nsgsChanged }),
  });
  const closer = createGrantCloser({ grants, audit: deps.audit, writer, clock, instanceId, logger: deps.logger, ...timeouts, ...(tuning.closeRetry === undefined ? {} : { retry: tuning.closeRetry }) });
  const requests = createRequestService({
    db: deps.db,
    principals: deps.principals,
    principalAccess: deps.principalAccess,
    audit: deps.audit,
    grants,
    policies: deps.policies,
    arm: deps.arm,
    writer,
    closer,
    clock,
    instanceId,
    logger: deps.logger,
    ...timeouts,
    ...(tuning.leaseMs === undefined ? {} : { leaseMs: tuning.leaseMs }),
    ...(tuning.coalesceWindowMs === undefined ? {} : { coalesceWindowMs: tuning.coalesceWindowMs }),
  });
  const expiry = createExpiryJob({ grants, closer, clock, instanceId, logger: deps.logger, ...(tuning.leaseMs === undefined ? {} : { leaseMs: tuning.leaseMs }) });
  const reconciler = createReconciler({
    db: deps.db,
    audit: deps.audit,
    policies: deps.policies,
    grants,
    drift: deps.drift,
    arm: deps.arm,
    locks: deps.locks,
    clock,
    logger: deps.logger,
    repair: deps.scheduler.reconcileRepair,
    ...timeouts,
    ...(tuning.nsgRetry === undefined ? {} : { retry: tuning.nsgRetry }),
    ...(deps.nsgsChanged === undefined ? {} : { nsgsChanged: deps.nsgsChanged }),
  });
  const scheduler = createScheduler({
    expiry,
    reconciler,
    timer: tuning.timer ?? systemTimer,
    intervalMs: deps.scheduler.intervalMs,
    reconcileIntervalMs: deps.scheduler.reconcileIntervalSeconds * 1000,
    jobs: [{ name: "approval-lapse", run: () => requests.approvals.lapseDue(), everyMs: approvalLapseIntervalMs }, ...(deps.jobs ?? [])],
    logger: deps.logger,
  });
  return {
    requests,
    expiry,
    reconciler,
    scheduler,
    async startJobs({ takeOverStoppedProcesses }) {
      if (takeOverStoppedProcesses) {
        const taken = await expiry.takeOverStoppedProcesses();
        if (taken > 0) deps.logger.warn({ grants: taken }, "taking over grants a stopped process was working on");
      }
      try {
        await expiry.sweep();
      } catch (error) {
        // ARM or the database may be down at start: the jobs keep trying on their interval.
        deps.logger.error({ err: error }, "closing overdue grants at start failed; the expiry job retries");
      }
      scheduler.start();
    },
  };
}
