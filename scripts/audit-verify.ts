// `npm run audit:verify [-- --anchors <file> ...]`: walks the audit trail's hash chain (from the latest pruning
// checkpoint) in the database the BFF uses (DATABASE_URL, else PGlite in DATA_DIR, read like the BFF's config),
// checks it reaches every anchor (the database's, AUDIT_ANCHOR_FILE's and each --anchors file's: copies kept outside
// the database, e.g. shipped from each replica) and prints the result.
// Exit 0 when the chain is intact, 1 when it is broken or events are missing (named), 2 when it cannot run.
import { parseArgs } from "node:util";
import path from "node:path";
import { ConfigError, DataDirLockedError, databaseTargetFromConfig, loadAuditSigningKey, loadStorageConfig, openDatabase, verifyAuditChain } from "@portcullis/bff";

class UsageError extends Error {}

function anchorFilesFrom(args: string[], configured: string | undefined): string[] {
  let values: { anchors?: string[] | undefined };
  try {
    ({ values } = parseArgs({ args, options: { anchors: { type: "string", multiple: true } }, strict: true }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; usage: npm run audit:verify -- [--anchors <file>]...`);
  }
  const files = [...(configured === undefined ? [] : [configured]), ...(values.anchors ?? []).map((f) => path.resolve(f))];
  return [...new Set(files)];
}

async function main(): Promise<number> {
  const config = loadStorageConfig(process.env);
  const anchorFiles = anchorFilesFrom(process.argv.slice(2), config.audit.anchorFile);
  const database = await openDatabase(databaseTargetFromConfig(config));
  try {
    const result = await verifyAuditChain(database.kysely, {
      signingKey: () => loadAuditSigningKey({ configuredKey: config.audit.signingKey, dataDir: config.dataDir }),
      anchorFiles,
    });
    console.log(JSON.stringify(result, null, 2));
    const against = anchorFiles.length === 0 ? "" : ` (anchor files: ${anchorFiles.join(", ")})`;
    console.error(`audit chain ${result.ok ? "intact" : "BROKEN"} in ${database.location}${against}: ${result.summary}`);
    return result.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof UsageError) {
      console.error(`audit:verify: ${error.message}${error instanceof DataDirLockedError ? " (or ask the running BFF: GET /api/audit/verify)" : ""}`);
    } else {
      console.error("audit:verify failed:", error instanceof Error ? error.message : error);
    }
    process.exit(2);
  },
);
