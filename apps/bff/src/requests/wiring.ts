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
import { createDirectory, type Directory } from "../lib/auth/directory.ts";
import type { PolicyRepository } from "../policies/repository.ts";
import { systemClock, systemTimer, type Clock, type Timer } from "../lib/time/clock.ts";
import type { DriftRepository } from "../drift/drift-repository.ts";
import { createExpiryJob, type ExpiryJob } from "../scheduler/expiry-job.ts";
import { createReconciler, type Reconciler } from "../drift/reconciler.ts";
import { createScheduler, type PeriodicJob, type Scheduler } from "../scheduler/scheduler.ts";
import { createGrantCloser, type CloseRetrySettings, type GrantCloser } from "./grant-closer.ts";
import { probeArm } from "../lib/azure/read-estate.ts";
import { createRecoveryWatch, type RecoveryWatch } from "../lib/azure/recovery-watch.ts";
import { createInstanceRegistry, type InstanceRegistry } from "../lib/instances/registry.ts";
import { createGrantWriter, type GrantWriter } from "./grant-writer.ts";
import { createGrantOpening, type GrantOpening } from "./opening.ts";
import { createGrantRepository, type GrantRepository } from "./repository.ts";
import { createRequestService, type ApprovalGate, type RequestService } from "./service.ts";

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
  /** How often ARM is probed while closes wait on it; default 1 s. */
  recoveryProbeMs?: number;
  /** A request is answered within this long (with its outcome, or the grant still opening); default REQUEST_ANSWER_SECONDS. */
  answerWithinMs?: number;
}

export interface AccessRequestDeps {
  db: Kysely<DatabaseSchema>;
  /** This process's identity among replicas (default: a new id and a node of its own). */
  instance?: { id: string; node: string };
  /** NSGs closed at once; with PostgreSQL no more than the lock connections (8), or units queue for them. Default 16. */
  closeConcurrency?: number;
  /** A connection outside the query pool for the heartbeat (see Database.dedicated); default `db`. */
  heartbeatDb?: Kysely<DatabaseSchema>;
  /** The managed subscriptions (AZURE_SUBSCRIPTION_IDS), where the reconciler looks for Portcullis rules. */
  subscriptionIds?: readonly string[];
  /** Requesters' last-seen claims: kept when they file a request, read back to re-authorize them. */
  principals: PrincipalStore;
  /** What a requester may do now, when someone else (an approver) acts on their request. */
  principalAccess: PrincipalAccess;
  /** Group membership when a token's groups claim overflowed (automatic approval); default: no group lookup. */
  directory?: Directory;
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
  /** This process among the BFF's replicas (heartbeat, take-over). */
  instance: InstanceRegistry;
  /**
   * Before the API serves: registers this process (ending its predecessors on this node, whose work is then free),
   * runs the reconciler once (it needs no database: expired rules found in ARM go), closes what became due while
   * no process ran, then runs the jobs.
   */
  startJobs(options: { takeOverStoppedProcesses: boolean }): Promise<void>;
  /**
   * A clean shutdown: no new rounds, closes and openings under way get up to `drainMs`, then this process's
   * unfinished work is released and it is marked stopped, so another replica (or the next start) takes it at once.
   */
  stopJobs(drainMs: number): Promise<void>;
}

/** The grants' core: storage, the NSG writer, the closer and the opening path, shared by requests and approvals. */
export interface GrantCore {
  clock: Clock;
  instanceId: string;
  instance: InstanceRegistry;
  grants: GrantRepository;
  writer: GrantWriter;
  closer: GrantCloser;
  opening: GrantOpening;
  recovery: RecoveryWatch;
  /** Runs the expiry job now; points at the scheduler once `assembleAccessRequests` built it. */
  wakeExpiry(): void;
  /** Where `wakeExpiry` goes (set once, by `assembleAccessRequests`). */
  onWake(wake: () => void): void;
}

/** The grant repository, writer, closer and opening path, with one lease holder id per process. */
export function assembleGrantCore(deps: AccessRequestDeps): GrantCore {
  const clock = deps.clock ?? systemClock;
  const tuning = deps.tuning ?? {};
  const instanceId = deps.instance?.id ?? randomUUID();
  const instance = createInstanceRegistry({ db: deps.heartbeatDb ?? deps.db, id: instanceId, node: deps.instance?.node ?? `pid-${process.pid}-${instanceId}`, logger: deps.logger });
  const grants = createGrantRepository(deps.db);
  const timeouts = tuning.operationTimeoutMs === undefined ? {} : { operationTimeoutMs: tuning.operationTimeoutMs };
  const writer = createGrantWriter({
    arm: deps.arm,
    locks: deps.locks,
    logger: deps.logger,
    ...(tuning.nsgRetry === undefined ? {} : { retry: tuning.nsgRetry }),
    ...(deps.nsgsChanged === undefined ? {} : { nsgsChanged: deps.nsgsChanged }),
  });
  // While ARM fails, watch for it to answer again and wake the closes that waited on it (not their back-off).
  let wakeExpiry = (): void => undefined;
  const recovery = createRecoveryWatch({
    probe: () => probeArm(deps.arm, 2_000),
    everyMs: tuning.recoveryProbeMs ?? 1_000,
    logger: deps.logger,
    async onRecovered() {
      const woken = await grants.wakeRetries("unreachable", clock.now());
      if (woken > 0) deps.logger.info({ grants: woken }, "closes that waited on ARM are due now");
      wakeExpiry();
    },
  });
  const closer = createGrantCloser({
    grants,
    audit: deps.audit,
    writer,
    clock,
    instanceId,
    logger: deps.logger,
    armUnreachable: () => recovery.notice(),
    ...(deps.closeConcurrency === undefined ? {} : { concurrency: deps.closeConcurrency }),
    ...timeouts,
    ...(tuning.closeRetry === undefined ? {} : { retry: tuning.closeRetry }),
  });
  const opening = createGrantOpening({
    db: deps.db,
    audit: deps.audit,
    grants,
    policies: deps.policies,
    arm: deps.arm,
    writer,
    clock,
    instanceId,
    logger: deps.logger,
    wakeExpiry: () => wakeExpiry(),
    ...timeouts,
    ...(tuning.leaseMs === undefined ? {} : { leaseMs: tuning.leaseMs }),
    ...(tuning.coalesceWindowMs === undefined ? {} : { coalesceWindowMs: tuning.coalesceWindowMs }),
    ...(tuning.answerWithinMs === undefined ? {} : { answerWithinMs: tuning.answerWithinMs }),
  });
  return {
    clock,
    instanceId,
    instance,
    grants,
    writer,
    closer,
    opening,
    recovery,
    wakeExpiry: () => wakeExpiry(),
    onWake(wake) {
      wakeExpiry = wake;
    },
  };
}

/** The approvals component as the request service and the scheduler see it. */
export interface ApprovalsPort {
  gate: ApprovalGate;
  jobs: readonly PeriodicJob[];
}

/**
 * The request service and its background jobs (expiry, the reconciler, the scheduler) on the grants' core;
 * `approvals` decides which new requests wait, and its jobs run on the same scheduler.
 */
export function assembleAccessRequests(deps: AccessRequestDeps, core: GrantCore, approvals: ApprovalsPort): AccessRequests {
  const { clock, instanceId, instance, grants, writer, closer, recovery } = core;
  const tuning = deps.tuning ?? {};
  const timeouts = tuning.operationTimeoutMs === undefined ? {} : { operationTimeoutMs: tuning.operationTimeoutMs };
  const requests = createRequestService({
    db: deps.db,
    principals: deps.principals,
    principalAccess: deps.principalAccess,
    directory: deps.directory ?? createDirectory({ principals: deps.principals }),
    audit: deps.audit,
    grants,
    policies: deps.policies,
    arm: deps.arm,
    writer,
    closer,
    clock,
    instanceId,
    logger: deps.logger,
    opening: core.opening,
    approvals: approvals.gate,
    wakeExpiry: () => core.wakeExpiry(),
    ...timeouts,
    ...(tuning.leaseMs === undefined ? {} : { leaseMs: tuning.leaseMs }),
  });
  const expiry = createExpiryJob({ grants, closer, clock, instanceId, logger: deps.logger, wake: () => core.wakeExpiry(), ...(tuning.leaseMs === undefined ? {} : { leaseMs: tuning.leaseMs }) });
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
    ...(deps.subscriptionIds === undefined ? {} : { subscriptionIds: deps.subscriptionIds }),
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
    jobs: [...approvals.jobs, ...(deps.jobs ?? [])],
    logger: deps.logger,
  });
  core.onWake(() => scheduler.wake("expiry"));
  return {
    requests,
    expiry,
    reconciler,
    scheduler,
    instance,
    async startJobs({ takeOverStoppedProcesses }) {
      const { predecessors } = await instance.register();
      instance.startHeartbeat();
      if (predecessors > 0) deps.logger.warn({ predecessors }, "taking over the work of this node's earlier processes");
      if (takeOverStoppedProcesses) {
        const taken = await expiry.takeOverStoppedProcesses();
        if (taken > 0) deps.logger.warn({ grants: taken }, "taking over grants a stopped process was working on");
      }
      try {
        // Expired rules in ARM go first, with or without rows in the database (a fresh or restored one). The drift
        // check (which reads every protected VM's network) follows on the reconciler's interval.
        await reconciler.removeExpiredEverywhere();
      } catch (error) {
        deps.logger.error({ err: error }, "the reconciler's run at start failed; it runs again on its interval");
      }
      try {
        await expiry.sweep();
      } catch (error) {
        // ARM or the database may be down at start: the jobs keep trying on their interval.
        deps.logger.error({ err: error }, "closing overdue grants at start failed; the expiry job retries");
      }
      scheduler.start();
    },
    async stopJobs(drainMs) {
      recovery.stop();
      await scheduler.stop();
      const drained = await Promise.race([
        Promise.all([expiry.drain(), requests.drain()]).then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), drainMs).unref()),
      ]);
      if (!drained) deps.logger.warn({ drainMs }, "NSG writes still under way at shutdown: another replica or the next start finishes them");
      const released = await grants.releaseClaims(instanceId).catch((error: unknown) => {
        deps.logger.error({ err: error }, "releasing this process's claims failed; they are taken over when its heartbeat goes stale");
        return 0;
      });
      if (released > 0) deps.logger.info({ grants: released }, "handed unfinished grants over");
      await instance.stop().catch((error: unknown) => deps.logger.error({ err: error }, "marking this process stopped failed; it counts as stopped when its heartbeat goes stale"));
    },
  };
}
