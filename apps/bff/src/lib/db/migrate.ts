import { Migrator, type MigrationProvider } from "kysely/migration";
import type { Logger } from "../logger.ts";
import type { Database } from "./database.ts";
import { migrations } from "./migrations/index.ts";

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the schema to the latest migration; running it again changes nothing.
 * Kysely's migrator takes a lock, so replicas starting together apply each migration once.
 */
export async function migrateToLatest(database: Database, logger?: Logger): Promise<string[]> {
  const migrator = new Migrator({
    db: database.kysely,
    provider,
    ...(database.schema === undefined ? {} : { migrationTableSchema: database.schema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === "Error");
  if (error !== undefined) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed on ${database.location}: ${reason}`, {
      cause: error,
    });
  }
  const applied = results.filter((r) => r.status === "Success").map((r) => r.migrationName);
  if (applied.length > 0) logger?.info({ migrations: applied }, "database migrations applied");
  return applied;
}
