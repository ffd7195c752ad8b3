import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect, sql } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { restrictTree } from "../private-files.ts";
import { lockDataDir, type DataDirLock } from "./data-dir-lock.ts";
import type { DatabaseSchema } from "./schema.ts";

export type DatabaseTarget =
  /** PGlite files in `dataDir`, held under an exclusive cross-process lock. */
  | { kind: "pglite"; dataDir: string }
  /** PGlite in memory: nothing persists (fast tests). */
  | { kind: "pglite-memory" }
  /** PostgreSQL; `schema` puts every table in that schema (created if missing), e.g. one per test run. */
  | { kind: "postgres"; url: string; schema?: string };

export interface Database {
  readonly kysely: Kysely<DatabaseSchema>;
  readonly engine: "pglite" | "postgres";
  /** Where the data lives, without credentials (for messages and logs). */
  readonly location: string;
  /** Set when the tables live in a schema of their own. */
  readonly schema: string | undefined;
  /**
   * One connection of its own, outside the query pool (PostgreSQL; PGlite has one connection anyway): for the
   * heartbeat, which must go through when a burst of requests holds every pooled connection, or this process
   * would look dead to the other replicas and have its work taken from under it.
   */
  readonly dedicated: Kysely<DatabaseSchema>;
  /** The query pool's connections now (PostgreSQL); undefined for PGlite, which has no pool. */
  readonly poolUse?: () => { total: number; idle: number; waiting: number };
  /** Closes connections and releases the data-directory lock. Safe to call twice. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  logger?: Logger;
  /** Called if the PGlite lock is lost while running (default: throw, ending the process). */
  onLockCompromised?: (error: Error) => void;
}

const schemaNamePattern = /^[a-z_][a-z0-9_]{0,62}$/;

export function databaseTargetFromConfig(config: Pick<Config, "dataDir" | "databaseUrl">): DatabaseTarget {
  return config.databaseUrl !== undefined
    ? { kind: "postgres", url: config.databaseUrl }
    : { kind: "pglite", dataDir: path.join(config.dataDir, "pglite") };
}

/** host:port/database of a PostgreSQL URL, never the password. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgresql://${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "postgresql (unparsable DATABASE_URL)";
  }
}

function onceClosing(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}

async function openPglite(dataDir: string | null, options: OpenDatabaseOptions): Promise<Database> {
  const onCompromised =
    options.onLockCompromised ??
    ((error: Error) => {
      throw error;
    });
  const lock: DataDirLock | undefined = dataDir === null ? undefined : await lockDataDir(dataDir, onCompromised);
  let client: PGlite;
  try {
    client = dataDir === null ? await PGlite.create() : await PGlite.create(dataDir);
  } catch (error) {
    await lock?.release();
    throw new Error(`Cannot open PGlite in ${dataDir ?? "memory"}: ${(error as Error).message}`, { cause: error });
  }
  try {
    // PGlite writes 0755/0644 (webhook secrets are in there): files present now become 0600, every directory
    // 0700, so what it adds later is unreachable to other accounts too.
    if (dataDir !== null) await restrictTree(dataDir);
  } catch (error) {
    await client.close();
    await lock?.release();
    throw new Error(`Cannot restrict the modes of ${dataDir ?? "memory"}: ${(error as Error).message}`, { cause: error });
  }
  const kysely = new Kysely<DatabaseSchema>({ dialect: new PGliteDialect(client) });
  return {
    kysely,
    engine: "pglite",
    location: dataDir === null ? "pglite (in memory)" : `pglite (${dataDir})`,
    schema: undefined,
    dedicated: kysely,
    close: onceClosing(async () => {
      try {
        await kysely.destroy();
      } finally {
        await lock?.release();
      }
    }),
  };
}

async function openPostgres(url: string, schema: string | undefined): Promise<Database> {
  if (schema !== undefined && !schemaNamePattern.test(schema)) {
    throw new Error(`Invalid schema name "${schema}": use lower-case letters, digits and underscores`);
  }
  const location = describePostgresUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    // search_path on every connection puts unqualified tables (and the migrations) in the schema.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client that loses its connection emits 'error'; without a listener that would end the process.
  pool.on("error", () => undefined);
  const kysely = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  try {
    // Replicas starting together race on `create schema if not exists` (it is not atomic): serialised by a lock.
    if (schema !== undefined) {
      await kysely.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtextextended('portcullis:create-schema', 0))`.execute(trx);
        await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
      });
    }
    await sql`select 1`.execute(kysely);
  } catch (error) {
    await kysely.destroy();
    throw new Error(`Cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`, { cause: error });
  }
  const single = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5_000, ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }) });
  single.on("error", () => undefined);
  const dedicated = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool: single }) });
  return {
    kysely,
    engine: "postgres",
    location,
    schema,
    dedicated,
    poolUse: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: onceClosing(async () => {
      await dedicated.destroy();
      await kysely.destroy();
    }),
  };
}

export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<Database> {
  const database =
    target.kind === "postgres"
      ? await openPostgres(target.url, target.schema)
      : await openPglite(target.kind === "pglite" ? target.dataDir : null, options);
  options.logger?.info({ database: database.location }, "database opened");
  return database;
}

/** Answers whether the database takes a query (readiness). */
export async function pingDatabase(database: Database): Promise<void> {
  await sql`select 1`.execute(database.kysely);
}
