import { randomBytes } from "node:crypto";
import type { AccessEventFacts } from "@portcullis/contract";
import { sql, type Kysely } from "kysely";
import { hashEvent, hashEventV1, type ChainedContent } from "../lib/audit/audit-chain.ts";
import { createAuditRecorder, detailsOf } from "../lib/audit/audit-events.ts";
import { queueNotificationsForAudit } from "../notifications/queue.ts";
import { auditSigningKey, type AuditSigningKey } from "../lib/audit/audit-signing.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";

type Db = Kysely<DatabaseSchema>;

/** Test support: the audit key and recorder of tests that write events without a BFF (a fresh key per test file). */
export const testAuditKey = auditSigningKey(randomBytes(32));
/** With the notifications outbox subscribed, as the composition root wires it. */
export const testAudit = createAuditRecorder(testAuditKey, { subscribers: [queueNotificationsForAudit] });

/**
 * Runs `change` as an attacker with the database's superuser would: in one transaction with
 * `session_replication_role = replica`, so no user trigger (append-only, delete rules) fires.
 */
export function asDatabaseAttacker(db: Db, change: (trx: Db) => Promise<unknown>): Promise<void> {
  return db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await change(trx);
  });
}

/** How the attacker re-hashes: the published unkeyed SHA-256 (v1), or HMAC with a key of their own. */
export type Rehash =
  | { kind: "unkeyed"; /** Also clears key_id, so the rows claim to be v1. */ markUnkeyed: boolean }
  | { kind: "own-key"; key: AuditSigningKey };

/** Recomputes prev_hash and hash of every event from `fromSeq` on, linked to the event before it. */
export async function rehashFrom(trx: Db, fromSeq: number, how: Rehash): Promise<void> {
  const before = await trx.selectFrom("audit_event").select("hash").where("seq", "<", String(fromSeq)).orderBy("seq", "desc").limit(1).executeTakeFirst();
  const rows = await trx.selectFrom("audit_event").selectAll().where("seq", ">=", String(fromSeq)).orderBy("seq").execute();
  let prevHash = before?.hash ?? null;
  for (const row of rows) {
    const keyId = how.kind === "own-key" ? how.key.keyId : how.markUnkeyed ? null : row.key_id;
    const content: ChainedContent = {
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
      prevHash,
      keyId,
    };
    const hash = how.kind === "own-key" ? hashEvent(content, how.key) : hashEventV1(content);
    await trx.updateTable("audit_event").set({ prev_hash: prevHash, hash, key_id: keyId }).where("id", "=", row.id).execute();
    prevHash = hash;
  }
}

/** The smallest payload of an access event (the contract's access facts), with `extra` (tests of the chain and the log). */
export function accessDetails<E extends Partial<AccessEventFacts>>(extra: E = {} as E): AccessEventFacts & E {
  return { ports: [], sources: [], durationMinutes: 60, ...extra };
}
