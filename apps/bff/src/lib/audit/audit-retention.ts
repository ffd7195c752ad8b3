import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import { auditChainLockName } from "./audit-chain.ts";
import type { AuditSigningKey } from "./audit-signing.ts";

export interface PruneResult {
  pruned: number;
  /** The checkpoint written before the deletion; null when nothing was old enough. */
  checkpoint: { id: string; seq: number; hash: string; count: number; at: Date } | null;
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Deletes the events older than `retentionDays`, as one prefix of the chain, in one transaction that first
 * writes a signed checkpoint (seq and hash of the last pruned event), so verification starts from it. The head
 * anchors of that prefix go too: the checkpoint vouches for it now.
 * This transaction is the only path past the delete triggers (`portcullis.audit_prune`, set locally; they let
 * only rows a checkpoint covers go).
 * Events from before the cut-off that follow a newer one in the chain are kept, so the rest stays one chain.
 */
export async function pruneAuditEvents(
  db: Kysely<DatabaseSchema>,
  options: { retentionDays: number; key: AuditSigningKey; now?: Date },
): Promise<PruneResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.retentionDays * dayMs);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${auditChainLockName}, 0))`.execute(trx);
    const firstKept = await trx.selectFrom("audit_event").select("seq").where("at", ">=", cutoff).orderBy("seq").limit(1).executeTakeFirst();
    let prunable = trx.selectFrom("audit_event");
    if (firstKept !== undefined) prunable = prunable.where("seq", "<", firstKept.seq);
    const last = await prunable.select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
    if (last === undefined) return { pruned: 0, checkpoint: null };
    const { n } = await trx
      .selectFrom("audit_event")
      .where("seq", "<=", last.seq)
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    const checkpoint = { id: randomUUID(), seq: String(last.seq), hash: last.hash, count: String(n), at: new Date(Math.floor(now.getTime())) };
    await trx
      .insertInto("audit_checkpoint")
      .values({ ...checkpoint, key_id: options.key.keyId, signature: options.key.sign(checkpoint, "checkpoint") })
      .execute();
    await sql`select set_config('portcullis.audit_prune', 'on', true)`.execute(trx);
    const deleted = await trx.deleteFrom("audit_event").where("seq", "<=", last.seq).executeTakeFirst();
    await trx.deleteFrom("audit_anchor").where("seq", "<=", last.seq).execute();
    await sql`select set_config('portcullis.audit_prune', 'off', true)`.execute(trx);
    return {
      pruned: Number(deleted.numDeletedRows),
      checkpoint: { id: checkpoint.id, seq: Number(checkpoint.seq), hash: checkpoint.hash, count: Number(n), at: checkpoint.at },
    };
  });
}
