import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type RunningEmulator } from "@portcullis/azure-emulator";
import { createLocalArmTokenVerifier, type LocalArmTokenVerifier } from "../lib/auth/arm-token-verifier.ts";
import { loadConfig, type Config, type ConfigOverrides } from "../lib/config.ts";
import type { TestEngine } from "./db-engines.ts";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { createLogger, type Logger } from "../lib/logger.ts";
import type { NotificationTuning } from "../notifications/wiring.ts";
import type { AccessRequestTuning } from "../requests/wiring.ts";
import type { Clock } from "../lib/time/clock.ts";
import { assembleBff, startBff, type AssembledBff, type RunningBff } from "../server.ts";
import { createAuditRecorder, type AuditAction, type AuditEventFrame, type AuditEventInput } from "../lib/audit/audit-events.ts";
import { auditSigningKey } from "../lib/audit/audit-signing.ts";
import { queueNotificationsForAudit } from "../notifications/queue.ts";

/** The local ARM emulator (in memory), checking every token as the launcher's does: against the BFF's local issuer. */
export interface TestEmulator extends RunningEmulator {
  /** Bound to a BFF's issuer by assembleTestBff / startTestBff; refuses every token until then. */
  armTokens: LocalArmTokenVerifier;
}

export async function startTestEmulator(): Promise<TestEmulator> {
  const armTokens = createLocalArmTokenVerifier();
  const emulator = await startEmulator({ dataDir: null, writeLatencyMs: 10, verifyToken: (token) => armTokens.verify(token) });
  return { ...emulator, armTokens };
}

/** The audit key of test BFFs (unless a test sets its own): otherwise one would be generated into ./data. */
const testSigningKey = randomBytes(32).toString("base64");

export function testConfig(emulator: RunningEmulator, env: Record<string, string> = {}, overrides: ConfigOverrides = {}): Config {
  return loadConfig(
    { ARM_ENDPOINT: emulator.url, LOG_LEVEL: "silent", PORT: "0", HOST: "127.0.0.1", AUDIT_SIGNING_KEY: testSigningKey, ...env },
    { armCaCertPem: emulator.caCertPem, ...overrides },
  );
}

export interface TestBffOptions {
  env?: Record<string, string>;
  overrides?: ConfigOverrides;
  logger?: Logger;
  /** Whether the emulator should trust this BFF's issuer (default true); false gives a BFF with a wrong credential. */
  bindArmTokens?: boolean;
  armMaxRetries?: number;
  webDistDir?: string | null;
  /** Business time of grants and jobs (a manual clock moves a grant past its end without waiting). */
  clock?: Clock;
  armRequestTimeoutMs?: number;
  requests?: AccessRequestTuning;
  /** Storage engine (default: in-memory PGlite); tests that must hold on both engines pass each of `testEngines`. */
  engine?: TestEngine;
  /** Notification delivery knobs, and the resolver of webhook hosts (tests have no DNS: see test-support/notifications.ts). */
  notifications?: NotificationTuning;
}

/** The BFF in-process on an in-memory PGlite, listening (the local issuer is served at `<url>/oidc`). */
export interface InProcessBff extends AssembledBff {
  config: Config;
  database: Database;
  /** e.g. http://localhost:41234: the public URL; the API can also be driven through `app` with supertest. */
  url: string;
  /** Holds the local issuer's keys (`<dir>/local-issuer/signing-key.json`). */
  issuerDataDir: string;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export async function assembleTestBff(emulator: TestEmulator, options: TestBffOptions = {}): Promise<InProcessBff> {
  const config = testConfig(emulator, options.env, options.overrides);
  const opened = options.engine === undefined ? null : await options.engine.open();
  const database = opened?.database ?? (await openDatabase({ kind: "pglite-memory" }));
  await migrateToLatest(database);
  const issuerDataDir = await mkdtemp(path.join(tmpdir(), "portcullis-bff-issuer-"));
  const server = createServer();
  const port = await listen(server);
  const url = `http://localhost:${port}`;
  const assembled = await assembleBff(config, database, {
    logger: options.logger ?? createLogger("silent"),
    webDistDir: options.webDistDir ?? null,
    publicUrl: url,
    issuerDataDir,
    ...(options.armMaxRetries === undefined ? {} : { armMaxRetries: options.armMaxRetries }),
    ...(options.armRequestTimeoutMs === undefined ? {} : { armRequestTimeoutMs: options.armRequestTimeoutMs }),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.requests === undefined ? {} : { requests: options.requests }),
    ...(options.notifications === undefined ? {} : { notifications: options.notifications }),
  });
  server.on("request", assembled.app);
  if (options.bindArmTokens !== false && assembled.localIssuer !== null) emulator.armTokens.bind(assembled.localIssuer, emulator.url);
  return {
    ...assembled,
    config,
    database,
    url,
    issuerDataDir,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await assembled.close();
      if (opened === null) await database.close();
      else await opened.cleanup();
      await rm(issuerDataDir, { recursive: true, force: true });
    },
  };
}

/** A listening BFF (startBff, as `npm start` runs it) with PGlite and the issuer's keys in a temporary directory. */
export async function startTestBff(emulator: TestEmulator, env: Record<string, string> = {}): Promise<RunningBff> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-bff-test-"));
  const bff = await startBff(testConfig(emulator, { DATA_DIR: dataDir, ...env }), {
    webDistDir: null,
    // As `npm start` does: the emulator trusts this BFF before its start-up work calls ARM.
    beforeStartupWork: ({ localIssuer }) => {
      if (localIssuer !== null) emulator.armTokens.bind(localIssuer, emulator.url);
    },
  });
  return {
    ...bff,
    async stop() {
      await bff.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An event as releases before the typed domain events wrote it: any action with any payload (`"22/TCP"` ports, partial facts). */
export type LegacyAuditEventInput = AuditEventFrame & { action: AuditAction; details?: Record<string, unknown> };

/**
 * Appends events as an older release did (hashed with the test BFFs' audit key, payload as given, not checked
 * against the contract): fixtures of the activity log's legacy reader, which reads rows written before the schemas.
 */
export function recordLegacyEvents(db: Database["kysely"], events: readonly LegacyAuditEventInput[]): Promise<string[]> {
  const recorder = createAuditRecorder(auditSigningKey(Buffer.from(testSigningKey, "utf8")), { checkPayloads: false, subscribers: [queueNotificationsForAudit] });
  return recorder.recordAll(
    db,
    events.map((e) => ({ ...e, details: e.details ?? {} }) as AuditEventInput),
  );
}
