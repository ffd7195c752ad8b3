import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { openDatabase, type Database } from "../lib/db/database.ts";

/** Test support: the two storage engines every storage test runs against. */
export interface TestEngine {
  name: "pglite" | "postgres";
  /** Opens a fresh, empty database; `cleanup` closes it and drops what it made. */
  open(): Promise<{ database: Database; cleanup(): Promise<void> }>;
}

export const testPostgresUrl = process.env["TEST_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";

export const testEngines: TestEngine[] = [
  {
    name: "pglite",
    async open() {
      const dir = await mkdtemp(path.join(tmpdir(), "portcullis-bff-db-"));
      const database = await openDatabase({ kind: "pglite", dataDir: path.join(dir, "pglite") });
      return {
        database,
        async cleanup() {
          await database.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    async open() {
      const schema = `test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
      const database = await openDatabase({ kind: "postgres", url: testPostgresUrl, schema });
      return {
        database,
        async cleanup() {
          try {
            await sql`drop schema ${sql.id(schema)} cascade`.execute(database.kysely);
          } finally {
            await database.close();
          }
        },
      };
    },
  },
];
