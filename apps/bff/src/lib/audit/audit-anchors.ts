/**
 * Head anchors (docs/decisions/011-audit-anchor.md): signed records of the chain's newest event (seq, hash, count,
 * time), so removing the newest events is found: the chain must still reach every anchor's seq with that hash.
 * Kept in `audit_anchor` and, with AUDIT_ANCHOR_FILE, appended to a JSON-lines file outside the database, so
 * someone who deletes events and anchors from the database is caught by the copy they cannot reach.
 */
import { randomUUID } from "node:crypto";
import { open, readFile } from "node:fs/promises";
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import type { DatabaseSchema } from "../db/schema.ts";
import { auditChainLockName } from "./audit-chain.ts";
import type { AuditSigningKey } from "./audit-signing.ts";

export interface AuditAnchor {
  id: string;
  /** seq and hash of the chain's newest event when it was written. */
  seq: string;
  hash: string;
  /** Events in the chain up to seq, pruned ones included. */
  count: string;
  at: Date;
  keyId: string;
  signature: string;
}

type Db = Kysely<DatabaseSchema>;

/** Tag of a line of the anchor file: a later layout would take another. */
const lineFormat = "portcullis-audit-anchor-v1";

export function anchorOfRow(row: { id: string; seq: string | number | bigint; hash: string; count: string | number | bigint; at: Date | string; key_id: string; signature: string }): AuditAnchor {
  return { id: row.id, seq: String(row.seq), hash: row.hash, count: String(row.count), at: new Date(row.at), keyId: row.key_id, signature: row.signature };
}

/** The events before `seq` that the chain holds, pruned ones included: where counting starts for a new anchor. */
async function countUpTo(trx: Db, key: AuditSigningKey, seq: string): Promise<bigint> {
  const checkpoint = await trx.selectFrom("audit_checkpoint").select("seq").orderBy("seq", "desc").limit(1).executeTakeFirst();
  const previous = await trx.selectFrom("audit_anchor").selectAll().orderBy("seq", "desc").limit(1).executeTakeFirst();
  // Counting from the previous anchor reads only the events since; it is trusted only when this key signed it.
  const fromPrevious =
    previous !== undefined &&
    (checkpoint === undefined || BigInt(previous.seq) > BigInt(checkpoint.seq)) &&
    key.verify(anchorOfRow(previous), previous.signature, "anchor");
  let events = trx.selectFrom("audit_event").where("seq", "<=", seq);
  if (fromPrevious) events = events.where("seq", ">", previous.seq);
  const { n } = await events.select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
  if (fromPrevious) return BigInt(previous.count) + BigInt(n);
  const { pruned } = await trx
    .selectFrom("audit_checkpoint")
    .select(sql<string>`coalesce(sum(count), 0)`.as("pruned"))
    .executeTakeFirstOrThrow();
  return BigInt(pruned) + BigInt(n);
}

/**
 * Signs and stores an anchor of the chain's head, unless the newest anchor already covers it (nothing appended
 * since) or there are no events. Takes the chain lock, so the head, the count and the pruned prefix agree.
 */
export async function writeAuditAnchor(db: Db, key: AuditSigningKey, now: Date): Promise<AuditAnchor | null> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${auditChainLockName}, 0))`.execute(trx);
    const head = await trx.selectFrom("audit_event").select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
    if (head === undefined) return null;
    // Only an anchor this key signed counts as covering the head: a row forged with a high seq must not stop anchoring.
    const covering = await trx.selectFrom("audit_anchor").selectAll().where("seq", ">=", String(head.seq)).execute();
    if (covering.some((row) => key.verify(anchorOfRow(row), row.signature, "anchor"))) return null;
    // One anchor per seq: a row at the head's seq that this key did not sign (another key's replica, or a forgery,
    // which verification names) leaves this head unanchored; the next appended event is anchored.
    if (covering.some((row) => BigInt(row.seq) === BigInt(head.seq))) return null;
    const count = await countUpTo(trx, key, String(head.seq));
    const fields = { id: randomUUID(), seq: String(head.seq), hash: head.hash, count: String(count), at: new Date(now.getTime()) };
    const anchor: AuditAnchor = { ...fields, keyId: key.keyId, signature: key.sign(fields, "anchor") };
    await trx
      .insertInto("audit_anchor")
      .values({ id: anchor.id, seq: anchor.seq, hash: anchor.hash, count: anchor.count, at: anchor.at, key_id: anchor.keyId, signature: anchor.signature })
      .execute();
    return anchor;
  });
}

/** One line of the anchor file (JSON, no secret: the signature is an HMAC, the key stays with the BFF). */
export function anchorLine(anchor: AuditAnchor): string {
  return JSON.stringify({ format: lineFormat, id: anchor.id, seq: anchor.seq, hash: anchor.hash, count: anchor.count, at: anchor.at.toISOString(), keyId: anchor.keyId, signature: anchor.signature });
}

/**
 * Appends anchors to the file and flushes them to disk before returning, so an anchor written at shutdown
 * survives the process. O_APPEND keeps whole lines when a shipper (or another writer) reads or appends too.
 */
export async function appendAnchorFile(file: string, anchors: readonly AuditAnchor[]): Promise<void> {
  const handle = await open(file, "a", 0o640);
  try {
    if (anchors.length > 0) {
      await handle.appendFile(anchors.map((a) => `${anchorLine(a)}\n`).join(""), "utf8");
      await handle.datasync();
    }
  } finally {
    await handle.close();
  }
}

/** The anchor file cannot be read, or a line of it is not an anchor. */
export class AnchorFileError extends Error {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`anchor file ${file}: ${message}`, options);
    this.name = "AnchorFileError";
    this.file = file;
  }
}

const digits = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String);
const AnchorLineSchema = z.object({
  format: z.literal(lineFormat),
  id: z.string().min(1),
  seq: digits,
  hash: z.string().min(1),
  count: digits,
  at: z.iso.datetime({ offset: true }),
  keyId: z.string().min(1),
  signature: z.string().min(1),
});

/** Every anchor in the file, in file order; blank lines are skipped. Signatures are checked by verification. */
export async function readAnchorFile(file: string): Promise<AuditAnchor[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new AnchorFileError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  const anchors: AuditAnchor[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new AnchorFileError(file, `line ${index + 1} is not JSON`);
    }
    const result = AnchorLineSchema.safeParse(parsed);
    if (!result.success) throw new AnchorFileError(file, `line ${index + 1} is not an audit anchor`);
    anchors.push({ ...result.data, at: new Date(result.data.at) });
  }
  return anchors;
}
