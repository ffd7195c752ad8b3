// `npm run db:migrate`: applies the BFF's database migrations and exits, without starting the BFF. For PostgreSQL
// deployments whose BFF runs as a role that owns nothing (apps/bff/README.md, "PostgreSQL roles"): run this with
// the owner's DATABASE_URL before starting the new release, then apps/bff/sql/app-role-grants.sql.
// Exit 0 when the schema is current, 2 when it cannot run.
import { ConfigError, DataDirLockedError, databaseTargetFromConfig, loadStorageConfig, migrateToLatest, openDatabase } from "@portcullis/bff";

async function main(): Promise<void> {
  const config = loadStorageConfig(process.env);
  const database = await openDatabase(databaseTargetFromConfig(config));
  try {
    const applied = await migrateToLatest(database);
    console.error(applied.length === 0 ? `db:migrate: ${database.location} is current` : `db:migrate: applied ${applied.join(", ")} to ${database.location}`);
  } finally {
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    // A configuration problem or a locked PGlite directory is a message, not a crash: no stack for those.
    if (error instanceof ConfigError || error instanceof DataDirLockedError) console.error(`db:migrate: ${error.message}`);
    else console.error("db:migrate failed:", error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
