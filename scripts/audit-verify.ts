// `npm run audit:verify`: walks the audit trail's hash chain (from the latest pruning checkpoint) in the database
// the BFF uses (DATABASE_URL, else PGlite in DATA_DIR, read like the BFF's config) and prints the result.
// Exit 0 when the chain is intact, 1 when it is broken (the first broken event is named), 2 when it cannot run.
import { ConfigError, DataDirLockedError, databaseTargetFromConfig, loadAuditSigningKey, loadStorageConfig, openDatabase, verifyAuditChain } from "@portcullis/bff";

async function main(): Promise<number> {
  const config = loadStorageConfig(process.env);
  const database = await openDatabase(databaseTargetFromConfig(config));
  try {
    const result = await verifyAuditChain(database.kysely, {
      signingKey: () => loadAuditSigningKey({ configuredKey: config.audit.signingKey, dataDir: config.dataDir }),
    });
    console.log(JSON.stringify(result, null, 2));
    const from = result.checkpoint === null ? "the first event" : `the checkpoint after seq ${result.checkpoint.seq} (${result.checkpoint.at})`;
    if (result.ok) {
      console.error(`audit chain intact: ${result.checked} events verified from ${from} in ${database.location}`);
      return 0;
    }
    const broken = result.firstBroken;
    console.error(`audit chain BROKEN at seq ${broken?.seq} (event ${broken?.id}): ${broken?.reason}; ${result.checked} events before it verified from ${from}`);
    return 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof DataDirLockedError) {
      console.error(`audit:verify: ${error.message}${error instanceof DataDirLockedError ? " (or ask the running BFF: GET /api/audit/verify)" : ""}`);
    } else {
      console.error("audit:verify failed:", error instanceof Error ? error.message : error);
    }
    process.exit(2);
  },
);
