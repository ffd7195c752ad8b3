import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type RunningEmulator, type SeedSpec } from "@portcullis/azure-emulator";
import { migrateToLatest, openDatabase, type Database } from "@portcullis/bff";
import { sql } from "kysely";
import type { ArmClients } from "@portcullis/bff/testing";
import { testPostgresUrl } from "@portcullis/bff/testing";
import { startChildBff, type ChildBff } from "@portcullis/bff/testing";
import { signInAs } from "@portcullis/bff/testing";
import { testArmClients } from "@portcullis/bff/testing";
import type { ApiCaller } from "./jit-stack.ts";
import { adminUser, benchRateLimitPerMinute } from "./large-stack.ts";

/** A database of its own on the test PostgreSQL server, migrated; `drop` closes it and drops it. */
interface BenchDatabase {
  url: string;
  name: string;
  database: Database;
  drop(): Promise<void>;
}

async function onServer(statement: (db: Database) => Promise<unknown>): Promise<void> {
  const server = await openDatabase({ kind: "postgres", url: testPostgresUrl });
  try {
    await statement(server);
  } finally {
    await server.close();
  }
}

async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `portcullis_bench_${randomBytes(4).toString("hex")}`;
  await onServer((s) => sql`create database ${sql.id(name)}`.execute(s.kysely));
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  const drop = async (database?: Database): Promise<void> => {
    await database?.close();
    await onServer((s) => sql`drop database if exists ${sql.id(name)} with (force)`.execute(s.kysely));
  };
  let database: Database | undefined;
  try {
    database = await openDatabase({ kind: "postgres", url: url.href });
    await migrateToLatest(database);
  } catch (error) {
    await drop(database);
    throw error;
  }
  const opened = database;
  return { url: url.href, name, database: opened, drop: () => drop(opened) };
}

/** BFF processes (`node apps/bff/src/main.ts`) sharing one PostgreSQL database and one emulator. */
export interface ReplicaStack {
  emulator: RunningEmulator;
  /** The bench's own ARM client (the emulator checks no tokens: each process signs its own with its local issuer). */
  arm: ArmClients;
  database: Database;
  /** e.g. portcullis_bench_1a2b3c4d (dropped by close). */
  databaseName: string;
  replicas: ChildBff[];
  /** The demo admin signed in at each replica (each runs its own local issuer, so a token is good at its replica only). */
  admins: ApiCaller[];
  close(): Promise<void>;
}

export interface ReplicaStackOptions {
  replicas: number;
  seed: SeedSpec;
  writeLatencyMs: number;
  /** Added to every replica's environment. */
  env?: Record<string, string>;
}

/** The emulator in memory with `seed`, a fresh database, and `replicas` BFF processes on both, each with the admin signed in. */
export async function startReplicaStack(options: ReplicaStackOptions): Promise<ReplicaStack> {
  const cleanups: Array<() => Promise<void>> = [];
  // Last started, first stopped; one failing does not keep the others from running.
  const close = async (): Promise<void> => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };
  try {
    const emulator = await startEmulator({ dataDir: null, seed: options.seed, writeLatencyMs: options.writeLatencyMs });
    cleanups.push(() => emulator.stop());
    const arm = testArmClients(emulator);
    cleanups.push(async () => arm.close());
    const dir = await mkdtemp(path.join(tmpdir(), "portcullis-bench-replicas-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const caFile = path.join(dir, "emulator-ca.pem");
    await writeFile(caFile, emulator.caCertPem);
    const db = await createBenchDatabase();
    cleanups.push(() => db.drop());
    const limit = String(benchRateLimitPerMinute);
    const replicas: ChildBff[] = [];
    cleanups.push(() => Promise.all(replicas.map((r) => r.kill("SIGKILL"))).then(() => undefined));
    for (let i = 0; i < options.replicas; i++) {
      replicas.push(
        await startChildBff({
          ARM_ENDPOINT: emulator.url,
          ARM_CA_CERT_FILE: caFile,
          DATA_DIR: path.join(dir, `replica-${i}`),
          DATABASE_URL: db.url,
          RATE_LIMIT_PER_USER_PER_MINUTE: limit,
          RATE_LIMIT_PER_IP_PER_MINUTE: limit,
          ...options.env,
        }),
      );
    }
    const admins = await Promise.all(replicas.map(async (r) => ({ url: r.url, token: await signInAs(r, adminUser) })));
    return { emulator, arm, database: db.database, databaseName: db.name, replicas, admins, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** What a replica's `expiry sweep` log lines add up to (the job logs one per sweep that claimed anything; needs LOG_LEVEL info). */
export function sweptByReplica(replica: ChildBff): { claimed: number; closed: number; retried: number } {
  const total = { claimed: 0, closed: 0, retried: 0 };
  const lines = replica.output().split("\n");
  lines.pop(); // "" or a line still being written
  for (const line of lines) {
    // "expiry sweep" at start-up (it waits for its closes), "expiry closes" from the scheduler's rounds.
    if (!line.includes('"expiry sweep"') && !line.includes('"expiry closes"')) continue;
    const entry = JSON.parse(line) as { msg?: string; claimed?: number; closed?: number; retried?: number };
    if (entry.msg !== "expiry sweep" && entry.msg !== "expiry closes") continue;
    total.claimed += entry.claimed ?? 0;
    total.closed += entry.closed ?? 0;
    total.retried += entry.retried ?? 0;
  }
  return total;
}
