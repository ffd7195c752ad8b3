import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { openDatabase, type Database } from "@portcullis/bff/testing";
import { migrateToLatest } from "@portcullis/bff/testing";
import { testPostgresUrl } from "@portcullis/bff/testing";
import { createLogger } from "@portcullis/bff/testing";
import { assembleBff } from "@portcullis/bff/testing";
import { signInAs } from "@portcullis/bff/testing";
import { startTestEmulator, testConfig } from "@portcullis/bff/testing";
import { benchRateLimitPerMinute } from "./large-stack.ts";

/** PostgreSQL (the server the tests use, or TEST_DATABASE_URL) in a schema of its own, migrated; dropped by `drop`. */
export async function openBenchPostgres(): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  const schema = `bench_audit_${randomBytes(4).toString("hex")}`;
  const database = await openDatabase({ kind: "postgres", url: testPostgresUrl, schema });
  await migrateToLatest(database);
  return {
    database,
    url: testPostgresUrl.replace(/\/\/[^@/]*@/, "//"),
    async drop() {
      try {
        await sql`drop schema ${sql.id(schema)} cascade`.execute(database.kysely);
      } finally {
        await database.close();
      }
    },
  };
}

/** A listening BFF on `database` (the demo emulator for ARM), and an auditor's token. */
export async function startAuditBenchBff(database: Database): Promise<{ url: string; token: string; close(): Promise<void> }> {
  const emulator = await startTestEmulator();
  const limit = String(benchRateLimitPerMinute);
  const config = testConfig(emulator, { RATE_LIMIT_PER_USER_PER_MINUTE: limit, RATE_LIMIT_PER_IP_PER_MINUTE: limit });
  const issuerDataDir = await mkdtemp(path.join(tmpdir(), "portcullis-bench-issuer-"));
  const server = createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
  const url = `http://localhost:${port}`;
  const bff = await assembleBff(config, database, { logger: createLogger("silent"), webDistDir: null, publicUrl: url, issuerDataDir });
  server.on("request", bff.app);
  if (bff.localIssuer !== null) emulator.armTokens.bind(bff.localIssuer, emulator.url);
  const token = await signInAs({ url, localIssuer: bff.localIssuer }, "auditor@contoso.test");
  return {
    url,
    token,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bff.close();
      await emulator.stop();
      await rm(issuerDataDir, { recursive: true, force: true });
    },
  };
}
