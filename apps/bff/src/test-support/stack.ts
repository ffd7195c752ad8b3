import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmulator, type RunningEmulator } from "@portcullis/azure-emulator";
import { loadConfig, type Config } from "../lib/config.ts";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { createLogger } from "../lib/logger.ts";
import { assembleBff, startBff, type AssembledBff, type RunningBff } from "../server.ts";

/** Test support: the local ARM emulator (in memory) that the BFF reaches through the real SDK. */
export async function startTestEmulator(): Promise<RunningEmulator> {
  return startEmulator({ dataDir: null, writeLatencyMs: 10 });
}

export function testConfig(emulator: RunningEmulator, env: Record<string, string> = {}): Config {
  return loadConfig(
    { ARM_ENDPOINT: emulator.url, LOG_LEVEL: "silent", PORT: "0", HOST: "127.0.0.1", ...env },
    { armCaCertPem: emulator.caCertPem },
  );
}

/** The BFF app in-process on an in-memory PGlite, for supertest. */
export interface InProcessBff extends AssembledBff {
  database: Database;
  close(): Promise<void>;
}

export async function assembleTestBff(emulator: RunningEmulator, env: Record<string, string> = {}): Promise<InProcessBff> {
  const config = testConfig(emulator, env);
  const database = await openDatabase({ kind: "pglite-memory" });
  await migrateToLatest(database);
  const assembled = assembleBff(config, database, { logger: createLogger("silent"), webDistDir: null });
  return {
    ...assembled,
    database,
    async close() {
      assembled.arm.close();
      await database.close();
    },
  };
}

/** A listening BFF (startBff) with PGlite in a temporary directory. */
export async function startTestBff(emulator: RunningEmulator, env: Record<string, string> = {}): Promise<RunningBff> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-bff-test-"));
  const bff = await startBff(testConfig(emulator, { DATA_DIR: dataDir, ...env }), { webDistDir: null });
  return {
    ...bff,
    async stop() {
      await bff.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
