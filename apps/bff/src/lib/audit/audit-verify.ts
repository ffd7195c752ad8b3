import type { AuditVerifyResponse } from "@portcullis/contract";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import { hashEvent } from "./audit-chain.ts";
import { detailsOf } from "./audit-events.ts";
import type { AuditSigningKey } from "./audit-signing.ts";

const batchSize = 2000;

export interface VerifyOptions {
  /** Needed only when checkpoints exist (their signatures are checked); asked for lazily. */
  signingKey: () => Promise<AuditSigningKey>;
}

type Broken = NonNullable<AuditVerifyResponse["firstBroken"]>;

async function checkCheckpoints(db: Kysely<DatabaseSchema>, options: VerifyOptions) {
  const checkpoints = await db.selectFrom("audit_checkpoint").selectAll().orderBy("seq").execute();
  if (checkpoints.length === 0) return { latest: null, broken: null };
  const key = await options.signingKey();
  for (const cp of checkpoints) {
    const fields = { id: cp.id, seq: cp.seq, hash: cp.hash, count: cp.count, at: new Date(cp.at) };
    if (!key.verify(fields, cp.signature)) {
      const reason = cp.key_id === key.keyId ? "checkpoint signature mismatch" : `checkpoint signed with another key (${cp.key_id}, this one is ${key.keyId})`;
      return { latest: null, broken: { seq: Number(cp.seq), id: cp.id, reason } satisfies Broken };
    }
  }
  const latest = checkpoints.at(-1);
  return { latest: latest === undefined ? null : { seq: BigInt(latest.seq), hash: latest.hash, at: new Date(latest.at) }, broken: null };
}

/**
 * Walks the chain oldest first from the latest pruning checkpoint (or the first event) and names the first
 * event whose stored hash does not match its content ("hash mismatch") or whose prev_hash does not match the
 * event before it ("link mismatch"). A forged or re-signed checkpoint is named too. Events appended while it
 * runs are checked up to where the walk gets.
 */
export async function verifyAuditChain(db: Kysely<DatabaseSchema>, options: VerifyOptions): Promise<AuditVerifyResponse> {
  const { latest, broken: badCheckpoint } = await checkCheckpoints(db, options);
  const checkpoint = latest === null ? null : { seq: Number(latest.seq), at: latest.at.toISOString() };
  if (badCheckpoint !== null) return { ok: false, checked: 0, firstBroken: badCheckpoint, checkpoint };
  let expectedPrev: string | null = latest?.hash ?? null;
  let after = latest?.seq ?? null;
  let checked = 0;
  for (;;) {
    let query = db
      .selectFrom("audit_event")
      .select(["seq", "id", "at", "actor_oid", "actor_name", "actor_ip", "action", "outcome", "vm_id", "vm_name", "details", "error", "correlation_id", "prev_hash", "hash"]);
    if (after !== null) query = query.where("seq", ">", String(after));
    const rows = await query.orderBy("seq").limit(batchSize).execute();
    for (const row of rows) {
      const computed = hashEvent({
        seq: row.seq,
        id: row.id,
        at: new Date(row.at),
        actorOid: row.actor_oid,
        actorName: row.actor_name,
        actorIp: row.actor_ip,
        action: row.action,
        outcome: row.outcome,
        vmId: row.vm_id,
        vmName: row.vm_name,
        details: detailsOf(row.details),
        error: row.error,
        correlationId: row.correlation_id,
        prevHash: row.prev_hash,
      });
      const reason = computed !== row.hash ? "hash mismatch" : row.prev_hash !== expectedPrev ? "link mismatch" : null;
      if (reason !== null) return { ok: false, checked, firstBroken: { seq: Number(row.seq), id: row.id, reason }, checkpoint };
      checked += 1;
      expectedPrev = row.hash;
      after = BigInt(row.seq);
    }
    if (rows.length < batchSize) return { ok: true, checked, firstBroken: null, checkpoint };
  }
}
