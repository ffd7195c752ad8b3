import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { demoUsers } from "@portcullis/local-issuer";
import { createServer, type Server } from "node:http";
import type { Express } from "express";
import { classifyVms } from "@portcullis/core";
import type { ActivityService } from "./activity/service.ts";
import { assembleActivity } from "./activity/wiring.ts";
import { createApp } from "./app.ts";
import { createReadiness } from "./health/routes.ts";
import { createInventoryService, type InventoryService } from "./inventory/service.ts";
import { assembleNotifications, type Notifications, type NotificationTuning } from "./notifications/wiring.ts";
import { queueNotificationsForAudit } from "./notifications/queue.ts";
import { createPolicyIdsRepository } from "./inventory/policy-ids-repository.ts";
import { createPolicyRepository } from "./policies/repository.ts";
import { createPolicyService, type PolicyService } from "./policies/service.ts";
import type { RequestService } from "./requests/service.ts";
import type { ApprovalService } from "./approvals/service.ts";
import { assembleApprovals } from "./approvals/wiring.ts";
import { assembleAccessRequests, assembleGrantCore, type AccessRequestDeps, type AccessRequests, type AccessRequestTuning } from "./requests/wiring.ts";
import type { Clock } from "./lib/time/clock.ts";
import { createDriftRepository } from "./drift/drift-repository.ts";
import { seedDemoAssignments } from "./rbac/demo-assignments.ts";
import { createRoleAssignmentRepository, type RoleAssignmentRepository } from "./rbac/repository.ts";
import { createRoleAssignmentService } from "./rbac/service.ts";
import { createAccessDenials } from "./lib/audit/access-denied.ts";
import type { AuditRecorder } from "./lib/audit/audit-events.ts";
import { createAuthRuntime, type AuthRuntime } from "./lib/auth/auth-runtime.ts";
import { createDirectory } from "./lib/auth/directory.ts";
import { createPrincipalAccess } from "./lib/auth/principal-access.ts";
import { createPrincipalStore } from "./lib/auth/principal-store.ts";
import { localTenantId } from "./lib/config-auth.ts";
import { startLocalSignIn, type LocalIssuerInfo, type LocalSignIn } from "./lib/auth/local-sign-in.ts";
import { createMetrics } from "./lib/metrics/metrics.ts";
import { DatabaseRateLimitStore } from "./lib/http/rate-limit-store.ts";
import { createArmClients, createArmCredential, probeArm, readEstate, type ArmClients, type ArmCredential } from "./lib/azure/index.ts";
import { observeArmPolicy } from "./lib/azure/pipeline-policies.ts";
import { type Config } from "./lib/config.ts";
import { describeConfig } from "./lib/config-description.ts";
import { databaseTargetFromConfig, openDatabase, pingDatabase, type Database } from "./lib/db/database.ts";
import { migrateToLatest } from "./lib/db/migrate.ts";
import { createNsgLockManager } from "./lib/locks/nsg-locks.ts";
import { createLogger, type Logger } from "./lib/logger.ts";
import { ensurePrivateDir } from "./lib/private-files.ts";

export interface StartBffOptions {
  logger?: Logger;
  /**
   * Runs after sign-in and ARM are wired and before the start-up work (the reconciler's run, closing overdue
   * grants): `npm start` makes its local emulator trust this BFF's tokens here, so that work does not fail first.
   */
  beforeStartupWork?(bff: { localIssuer: LocalIssuerInfo | null }): Promise<void> | void;
  /** Directory of the built SPA; null serves none (default: apps/web/dist when built). */
  webDistDir?: string | null;
}

export interface RunningBff {
  /** Where the BFF listens, e.g. http://localhost:8080. */
  url: string;
  port: number;
  /** Origin of the portal (PUBLIC_URL, or http://localhost:<port>). */
  publicUrl: string;
  /** The local issuer (local mode): what the local emulator needs to check the BFF's ARM tokens. Null in Entra mode. */
  localIssuer: LocalIssuerInfo | null;
  /** Stops taking requests, lets those under way and NSG writes finish (up to SHUTDOWN_DRAIN_SECONDS), hands unfinished work over, closes ARM connections, the issuer and the database. */
  stop(): Promise<void>;
}

export interface AssembleOptions {
  logger: Logger;
  webDistDir?: string | null;
  /** Origin the portal is reached at; default PUBLIC_URL, else http://localhost:<PORT>. */
  publicUrl?: string;
  /** Where the local issuer keeps its keys (`<dir>/local-issuer/`); default DATA_DIR; null keeps them in memory. */
  issuerDataDir?: string | null;
  /** Retries of a failed ARM call; default 3. */
  armMaxRetries?: number;
  /** Per-call ARM timeout; default 30 s (tests shorten it together with their stalls). */
  armRequestTimeoutMs?: number;
  /** Business time of grants and the jobs; only code can inject one (no route or variable moves it). Default: the system clock. */
  clock?: Clock;
  /** Test tuning of the request flow and the jobs (timeouts, leases, batching, retries, timer). */
  requests?: AccessRequestTuning;
  /** Test tuning of notification delivery (timeouts, retry delays, intervals). */
  notifications?: NotificationTuning;
  /** This process among replicas: its id and its node (a restart on the same node takes over at once). */
  instance?: { id: string; node: string };
}

/** The app and the services behind it, wired to an open (and migrated) database. */
export interface AssembledBff {
  app: Express;
  inventory: InventoryService;
  policies: PolicyService;
  /** Access requests and grants. */
  requests: RequestService;
  /** Requests that wait for approval. */
  approvals: ApprovalService;
  /** The expiry job and the reconciler (run them directly in tests), their scheduler, and the start-up sweep. */
  jobs: Omit<AccessRequests, "requests">;
  assignments: RoleAssignmentRepository;
  /** The activity log: reads, exports, chain verification, anchors and retention pruning. */
  activity: ActivityService;
  /** Appends to the audit trail with this BFF's audit key (tests write fixture events through it). */
  audit: AuditRecorder;
  /** Notification subscriptions, the delivery job and the expiry warning job (run them directly in tests). */
  notifications: Omit<Notifications, "routes" | "jobs" | "close">;
  arm: ArmClients;
  /** The credential the ARM clients use (from the local issuer in local mode). */
  armCredential: ArmCredential;
  localIssuer: LocalIssuerInfo | null;
  /** Token validation and the public sign-in settings. */
  auth: AuthRuntime;
  /**
   * Stops the jobs (closes and openings under way get `drainMs`, default SHUTDOWN_DRAIN_SECONDS), closes ARM
   * connections and the local issuer; the caller still owns the database.
   */
  close(drainMs?: number): Promise<void>;
}

/** How long stop() lets requests under way finish before closing their connections. */
const defaultDrainMs = 5_000;
/** Readiness gives ARM this long to answer the first page of subscriptions. */
const armProbeTimeoutMs = 3_000;

/**
 * Builds sign-in (the local issuer in local mode), the ARM clients, the services and the Express app.
 * In local mode it also stores the demo role assignments into an empty table. The caller owns `database`.
 */
export async function assembleBff(config: Config, database: Database, options: AssembleOptions): Promise<AssembledBff> {
  const { logger } = options;
  const publicUrl = options.publicUrl ?? config.publicUrl ?? `http://localhost:${config.port}`;
  const metrics = createMetrics();
  const { service: activity, audit, startJobs: startActivityJobs } = await assembleActivity({
    db: database.kysely,
    config,
    logger,
    observe: (events) => metrics.auditEvents(events),
    // The audit trail's subscribers: the notifications outbox commits with the events it announces.
    subscribers: [queueNotificationsForAudit],
  });
  metrics.read({
    async grantsByStatus() {
      const rows = await database.kysely.selectFrom("jit_grant").select(["status", (eb) => eb.fn.countAll<string>().as("n")]).where("status", "in", ["opening", "open", "closing"]).groupBy("status").execute();
      return rows.map((row) => ({ status: row.status, count: Number(row.n) }));
    },
    async outboxByStatus() {
      const rows = await database.kysely.selectFrom("notification_outbox").select(["status", (eb) => eb.fn.countAll<string>().as("n")]).where("status", "in", ["pending", "failed"]).groupBy("status").execute();
      return rows.map((row) => ({ status: row.status, count: Number(row.n) }));
    },
    ...(database.poolUse === undefined ? {} : { pool: database.poolUse }),
  });
  const assignments = createRoleAssignmentRepository(database.kysely);
  const principals = createPrincipalStore(database.kysely);
  const principalAccess = createPrincipalAccess({ principals, loadAssignments: (oid, groups) => assignments.listForPrincipal(oid, groups) });
  let local: LocalSignIn | null = null;
  if (config.auth.mode === "local") {
    local = await startLocalSignIn({
      publicUrl,
      dataDir: options.issuerDataDir === undefined ? config.dataDir : options.issuerDataDir,
      armAudience: config.azureCredential.kind === "local-emulator" ? config.armEndpoint : null,
    });
  }
  // People by id or name, and groups: the local issuer's users in local mode, else those seen signing in.
  const directory = createDirectory({ principals, ...(local === null ? {} : { localUsers: demoUsers, localTenantId }) });
  try {
    if (local !== null) await seedDemoAssignments(assignments, logger);
    const armCredential = createArmCredential(config.azureCredential, local?.armClient);
    const arm = createArmClients(config, {
      credential: armCredential,
      policies: [observeArmPolicy((operation, status, seconds) => metrics.armRequest(operation, status, seconds))],
      ...(options.armMaxRetries === undefined ? {} : { maxRetries: options.armMaxRetries }),
      ...(options.armRequestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.armRequestTimeoutMs }),
    });
    const drift = createDriftRepository(database.kysely);
    const inventory = createInventoryService({
      readEstate: () => readEstate(arm, config.subscriptionIds, logger),
      policyIds: createPolicyIdsRepository(database.kysely),
      classify: classifyVms,
      ttlMs: config.inventoryTtlSeconds * 1000,
      logger,
      driftOf: (vmIds) => drift.rowsFor(vmIds),
    });
    // Replicas share PostgreSQL, so NSG writes are serialised there too; PGlite has one process only.
    const locks = createNsgLockManager(database.engine === "postgres" && config.databaseUrl !== undefined ? { postgresUrl: config.databaseUrl } : {});
    const policyRepository = createPolicyRepository(database.kysely);
    const policies = createPolicyService({ db: database.kysely, audit, repository: policyRepository, arm, locks, inventory, logger });
    const notifications = assembleNotifications({
      db: database.kysely,
      audit,
      logger,
      config: config.notifications,
      publicUrl,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.notifications === undefined ? {} : { tuning: options.notifications }),
    });
    const accessDeps: AccessRequestDeps = {
      db: database.kysely,
      heartbeatDb: database.dedicated,
      // One lock connection per NSG being written: no more units at once than the lock pool holds (8).
      ...(database.engine === "postgres" && config.databaseUrl !== undefined ? { closeConcurrency: 8 } : {}),
      principals,
      principalAccess,
      directory,
      audit,
      policies: policyRepository,
      drift,
      arm,
      locks,
      logger,
      scheduler: config.scheduler,
      nsgsChanged: (nsgs) => inventory.nsgsChanged(nsgs),
      ...(options.instance === undefined ? {} : { instance: options.instance }),
      ...(config.subscriptionIds === undefined ? {} : { subscriptionIds: config.subscriptionIds }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      tuning: { answerWithinMs: config.requestAnswerSeconds * 1000, ...options.requests },
      jobs: notifications.jobs,
    };
    // Grants (storage, NSG writes, closing, opening), then the two components on them: approvals opens approved
    // requests through the grants' opening port; the request service asks approvals whether a new request waits.
    const grantCore = assembleGrantCore(accessDeps);
    const approvals = assembleApprovals({
      db: database.kysely,
      audit,
      policies: policyRepository,
      clock: grantCore.clock,
      logger,
      principals,
      principalAccess,
      directory,
      opening: grantCore.opening,
      grants: grantCore.grants,
    });
    const { requests, ...jobs } = assembleAccessRequests(accessDeps, grantCore, { gate: approvals.service, jobs: approvals.jobs });
    const auth = createAuthRuntime(config.auth, local?.info ?? null);
    // Rate-limit windows and the readiness cache follow the injected clock, so tests step past them.
    const clock = options.clock;
    const nowMs = clock === undefined ? Date.now : () => clock.now().getTime();
    const app = createApp({
      logger,
      metrics: { metrics, token: config.metricsToken },
      inventory,
      policies: {
        policies,
        repository: policyRepository,
        arm,
        directory,
      },
      requests: { requests },
      approvals: approvals.routes(),
      assignments,
      principals,
      rbac: createRoleAssignmentService({
        db: database.kysely,
        audit,
        logger,
        // A removed assignment withdraws what it backed at once: pending requests end, open grants close (setting).
        async afterRemove(removed, context) {
          const oids = removed.principalType === "user" ? [removed.principalId] : await principals.membersOf(removed.principalId);
          const cancelled = await approvals.service.cancelForLostAccess(oids, removed.scope, context.actor, context.correlationId);
          const revoked = config.revokeOnRoleRemoval ? await requests.revokeForLostAccess(oids, removed.scope, context.actor, context.correlationId) : 0;
          if (cancelled + revoked > 0) logger.info({ assignmentId: removed.id, cancelled, revoked }, "withdrew the access a removed role assignment backed");
        },
      }),
      activity,
      notifications: notifications.routes,
      auth,
      localIssuer: local?.handler ?? null,
      rateLimits: config.rateLimits,
      // Replicas share PostgreSQL, so they share the counts; PGlite means one process, which counts in memory.
      ...(database.engine === "postgres" ? { rateLimitStores: (prefix: string) => new DatabaseRateLimitStore(database.kysely, prefix) } : {}),
      trustProxy: config.trustProxy,
      isReady: createReadiness({ database: () => pingDatabase(database), arm: () => probeArm(arm, armProbeTimeoutMs) }, { logger, now: nowMs }),
      denials: createAccessDenials({ db: database.kysely, audit, logger, now: nowMs }),
      ...(options.webDistDir === undefined ? {} : { webDistDir: options.webDistDir }),
    });
    const issuer = local;
    const activityJobs = await startActivityJobs().catch(async (error: unknown) => {
      arm.close();
      await locks.close();
      throw error;
    });
    return {
      app,
      inventory,
      policies,
      requests,
      approvals: approvals.service,
      jobs,
      assignments,
      activity,
      audit,
      notifications: { service: notifications.service, delivery: notifications.delivery, expiryWarnings: notifications.expiryWarnings },
      arm,
      armCredential,
      localIssuer: issuer?.info ?? null,
      auth,
      async close(drainMs = config.shutdownDrainSeconds * 1000) {
        // Closes and openings under way get what is left of the drain, then this process's unfinished work is handed over.
        await jobs.stopJobs(Math.max(0, drainMs));
        notifications.close();
        // Last: its final anchor must follow every event, and the server (closed by the caller first) and the jobs above append none now.
        await activityJobs.stop();
        arm.close();
        await locks.close();
        await issuer?.close();
      },
    };
  } catch (error) {
    await local?.close();
    throw error;
  }
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::" || host === "") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host);
}

/**
 * What the start-up line says about who can reach the BFF. Local sign-in has demo users with a published
 * password, so it listens on 127.0.0.1 unless HOST says otherwise, and says so either way.
 */
export function listeningReach(config: Pick<Config, "host" | "auth">): { level: "info" | "warn"; message: string; loopbackOnly: boolean } {
  if (config.auth.mode !== "local") return { level: "info", message: `BFF listening on ${config.host}`, loopbackOnly: isLoopback(config.host) };
  if (isLoopback(config.host)) {
    return {
      level: "info",
      message: `BFF listening on ${config.host} only: local sign-in has demo users with a published password, so other machines cannot reach it (set HOST to change this)`,
      loopbackOnly: true,
    };
  }
  return {
    level: "warn",
    message: `BFF listening on ${config.host} with local sign-in: anyone who can reach this address can sign in with the published demo password`,
    loopbackOnly: false,
  };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops taking connections and lets the requests under way finish, for at most `drainMs`. */
function closeServer(server: Server, drainMs = defaultDrainMs): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), drainMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Opens and migrates the database, listens, then wires sign-in, ARM and the app. It listens first because
 * with PORT=0 the local issuer's URLs (and so the public URL) are known only once the port is.
 */
export async function startBff(config: Config, options: StartBffOptions = {}): Promise<RunningBff> {
  const logger = options.logger ?? createLogger(config.logLevel);
  logger.info({ config: describeConfig(config) }, "starting the BFF");
  // Webhook secrets, signing keys and the issuer's keys live in DATA_DIR (even with DATABASE_URL): 0700.
  await ensurePrivateDir(config.dataDir);
  const database = await openDatabase(databaseTargetFromConfig(config), {
    logger,
    onLockCompromised: (error) => {
      // Running on without the lock risks two writers on one PGlite directory: stop instead.
      logger.fatal({ err: error }, "lost the lock on the PGlite data directory");
      throw error;
    },
  });
  let assembled: AssembledBff | undefined;
  let handler: Express | undefined;
  // During start-up work only the local issuer answers: it is where the BFF gets its own ARM token.
  let issuerOnly: Express | undefined;
  const server = createServer((req, res) => {
    if (handler !== undefined) {
      handler(req, res);
      return;
    }
    if (issuerOnly !== undefined && /^\/oidc(?:[/?]|$)/.test(req.url ?? "")) {
      issuerOnly(req, res);
      return;
    }
    res.writeHead(503, { "Retry-After": "1", "content-type": "text/plain", "Cache-Control": "no-store" }).end("starting");
  });
  try {
    await migrateToLatest(database, logger);
    const address = await listen(server, config.port, config.host);
    const publicUrl = config.publicUrl ?? `http://localhost:${address.port}`;
    assembled = await assembleBff(config, database, { ...options, logger, publicUrl, instance: { id: randomUUID(), node: `${hostname()}:${config.dataDir}` } });
    // Grants that ended while no process ran are closed before any request is served (503 "starting" until then).
    issuerOnly = assembled.app;
    await options.beforeStartupWork?.({ localIssuer: assembled.localIssuer });
    await assembled.jobs.startJobs({ takeOverStoppedProcesses: database.engine === "pglite" });
    handler = assembled.app;
    const url = `http://${urlHost(config.host)}:${address.port}`;
    const reach = listeningReach(config);
    logger[reach.level]({ url, publicUrl, host: config.host, signIn: config.auth.mode }, reach.message);
    const running = assembled;
    let stopping: Promise<void> | undefined;
    return {
      url,
      port: address.port,
      publicUrl,
      localIssuer: running.localIssuer,
      stop: () =>
        (stopping ??= (async () => {
          logger.info({ drainSeconds: config.shutdownDrainSeconds }, "stopping the BFF");
          // One budget for the whole drain (requests, then NSG writes), so it fits an orchestrator's grace period.
          const drainUntil = Date.now() + config.shutdownDrainSeconds * 1000;
          await closeServer(server, config.shutdownDrainSeconds * 1000);
          await running.close(drainUntil - Date.now());
          await database.close();
          logger.info("BFF stopped");
        })()),
    };
  } catch (error) {
    if (server.listening) await closeServer(server);
    await assembled?.close();
    await database.close();
    throw error;
  }
}
