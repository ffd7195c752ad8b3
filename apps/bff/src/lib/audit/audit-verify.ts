import type { AuditVerifyResponse } from "@portcullis/contract";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import { AnchorFileError } from "./audit-anchors.ts";
import { hashEvent } from "./audit-chain.ts";
import { detailsOf } from "./audit-events.ts";
import type { AuditSigningKey } from "./audit-signing.ts";
import { anchorsToReach, forgedAnchor, loadAnchors, trustedCheckpoint, type Broken, type SourcedAnchor, type TrustedCheckpoint } from "./audit-verify-records.ts";

const batchSize = 2000;

export interface VerifyOptions {
  /** The audit key; asked for only when something keyed is found (checkpoints, anchors, v2 events). */
  signingKey: () => Promise<AuditSigningKey>;
  /** Anchor files kept outside the database (AUDIT_ANCHOR_FILE, `--anchors`): their anchors must be reached too. */
  anchorFiles?: readonly string[];
}

type Row = Awaited<ReturnType<typeof readBatch>>[number];
type AnchorRef = NonNullable<AuditVerifyResponse["anchor"]>;

function readBatch(db: Kysely<DatabaseSchema>, after: bigint | null) {
  let query = db
    .selectFrom("audit_event")
    .select(["seq", "id", "at", "actor_oid", "actor_name", "actor_ip", "action", "outcome", "vm_id", "vm_name", "details", "error", "correlation_id", "prev_hash", "hash", "key_id"]);
  if (after !== null) query = query.where("seq", ">", String(after));
  return query.orderBy("seq").limit(batchSize).execute();
}

function computedHash(row: Row, key: AuditSigningKey | null): string {
  return hashEvent(
    {
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
      keyId: row.key_id,
    },
    key,
  );
}

const refOf = (anchor: SourcedAnchor): AnchorRef => ({ seq: Number(anchor.seq), at: anchor.at.toISOString(), source: anchor.source });
const fileNote = (anchor: SourcedAnchor) => (anchor.file === null ? "" : ` (anchor file ${anchor.file})`);

/** The results verification can give, each with its sentence for people. */
function outcomes(checkpoint: TrustedCheckpoint | null) {
  const from = checkpoint === null ? "the first event" : `the checkpoint after seq ${checkpoint.seq} (${checkpoint.at.toISOString()})`;
  const base = (checked: number) => ({
    checked,
    checkpoint: checkpoint === null ? null : { seq: Number(checkpoint.seq), at: checkpoint.at.toISOString() },
    firstBroken: null,
    missing: null,
    anchor: null,
  });
  return {
    intact(checked: number, anchor: SourcedAnchor | null): AuditVerifyResponse {
      const reached = anchor === null ? "no anchor yet, so removing the newest events would go unnoticed" : `the chain reaches the newest anchor (seq ${anchor.seq}, ${anchor.at.toISOString()})`;
      return { ...base(checked), ok: true, anchor: anchor === null ? null : refOf(anchor), summary: `${checked} events verified from ${from}; ${reached}` };
    },
    record(kind: "checkpoint" | "anchor", broken: Broken): AuditVerifyResponse {
      return { ...base(0), ok: false, firstBroken: broken, summary: `${kind} at seq ${broken.seq} (${broken.id}) cannot be trusted: ${broken.reason}` };
    },
    event(checked: number, broken: Broken, anchor: SourcedAnchor | null): AuditVerifyResponse {
      const summary = `event seq ${broken.seq} (${broken.id}) is broken: ${broken.reason}; ${checked} events before it verified from ${from}`;
      return { ...base(checked), ok: false, firstBroken: broken, anchor: anchor === null ? null : refOf(anchor), summary };
    },
    /** Events `fromSeq` to the anchor's seq are gone; `events` is how many by the anchor's count. */
    missing(checked: number, fromSeq: bigint, anchor: SourcedAnchor, events: bigint, reached: SourcedAnchor | null): AuditVerifyResponse {
      // The anchor's own event is gone at least, whatever the count says.
      const n = events > 0n ? events : 1n;
      const range = fromSeq === BigInt(anchor.seq) ? `event ${anchor.seq} is missing` : `events ${fromSeq}-${anchor.seq} are missing (${n} events)`;
      const summary = `${range}: the last anchor at ${anchor.at.toISOString()} recorded seq ${anchor.seq}${fileNote(anchor)}; ${checked} events before them verified from ${from}`;
      return {
        ...base(checked),
        ok: false,
        missing: { fromSeq: Number(fromSeq), toSeq: Number(anchor.seq), events: Number(n), anchor: refOf(anchor) },
        anchor: reached === null ? null : refOf(reached),
        summary,
      };
    },
    unreadable(error: AnchorFileError): AuditVerifyResponse {
      return { ...base(0), ok: false, summary: `${error.message}; its anchors cannot be checked` };
    },
  };
}

/**
 * Walks the chain oldest first from the latest pruning checkpoint (or the first event) and names the first event
 * that does not hold: its hash does not match its content ("hash mismatch"), its prev_hash not the event before it
 * ("link mismatch"), it was hashed with another key, it is unkeyed where only keyed events may be, or it differs from
 * an anchor. Anchors (database and files) the walk does not reach name the missing seq range. A forged checkpoint or
 * anchor is named first. Events appended while it runs are checked up to where the walk gets.
 */
export async function verifyAuditChain(db: Kysely<DatabaseSchema>, options: VerifyOptions): Promise<AuditVerifyResponse> {
  let key: Promise<AuditSigningKey> | undefined;
  const keyOf = () => (key ??= options.signingKey());
  const { latest, broken: badCheckpoint } = await trustedCheckpoint(db, keyOf);
  const outcome = outcomes(latest);
  if (badCheckpoint !== null) return outcome.record("checkpoint", badCheckpoint);
  let anchors: SourcedAnchor[];
  try {
    anchors = await loadAnchors(db, options.anchorFiles ?? []);
  } catch (error) {
    if (error instanceof AnchorFileError) return outcome.unreadable(error);
    throw error;
  }
  if (anchors.length > 0) {
    const forged = forgedAnchor(anchors, await keyOf());
    if (forged !== null) return outcome.record("anchor", forged);
  }
  // Every unkeyed (v1) event predates the first anchor: the first start after the upgrade wrote it.
  const pin = anchors.reduce<bigint | null>((min, a) => (min === null || BigInt(a.seq) < min ? BigInt(a.seq) : min), null);
  const toReach = anchorsToReach(anchors, latest?.seq ?? null);

  let expectedPrev: string | null = latest?.hash ?? null;
  let after = latest?.seq ?? null;
  let position = latest?.pruned ?? 0n;
  let checked = 0;
  let keyed = false;
  let reached: SourcedAnchor | null = null;
  // toReach[next] is the next anchor the walk must pass through (an index: there can be one per minute for years).
  let next = 0;
  const seqAt = (i: number) => (i < toReach.length ? BigInt((toReach[i] as SourcedAnchor).seq) : null);
  for (;;) {
    const rows = await readBatch(db, after);
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if ((seqAt(next) ?? seq) < seq) {
        // The walk jumped over anchored events: name the range up to the last anchor jumped over.
        let last = next;
        while ((seqAt(last + 1) ?? seq) < seq) last += 1;
        const anchor = toReach[last] as SourcedAnchor;
        return outcome.missing(checked, (after ?? 0n) + 1n, anchor, BigInt(anchor.count) - position, reached);
      }
      let reason: string | null = null;
      let signer: AuditSigningKey | null = null;
      if (row.key_id === null) {
        if (keyed) reason = "unkeyed (v1) event after keyed (v2) events";
        else if (pin === null) reason = "unkeyed (v1) event that no signed anchor pins (anyone with database access could have rewritten it)";
        else if (seq > pin) reason = `unkeyed (v1) event after the first anchor (seq ${pin}), which pins the events from before the audit key`;
      } else {
        keyed = true;
        signer = await keyOf();
        if (row.key_id !== signer.keyId) reason = `event hashed with another key (${row.key_id}, this one is ${signer.keyId})`;
      }
      reason ??= computedHash(row, signer) !== row.hash ? "hash mismatch" : row.prev_hash !== expectedPrev ? "link mismatch" : null;
      position += 1n;
      while (reason === null && seqAt(next) === seq) {
        const anchor = toReach[next] as SourcedAnchor;
        next += 1;
        const at = anchor.at.toISOString();
        if (anchor.hash !== row.hash) reason = `differs from the anchor of ${at}${fileNote(anchor)}`;
        else if (BigInt(anchor.count) !== position) reason = `the anchor of ${at} counted ${anchor.count} events up to here, the chain holds ${position}${fileNote(anchor)}`;
        else reached = anchor;
      }
      if (reason !== null) return outcome.event(checked, { seq: Number(row.seq), id: row.id, reason }, reached);
      checked += 1;
      expectedPrev = row.hash;
      after = seq;
    }
    if (rows.length < batchSize) break;
  }
  const newest = toReach.at(-1);
  if (newest !== undefined && next < toReach.length) return outcome.missing(checked, (after ?? 0n) + 1n, newest, BigInt(newest.count) - position, reached);
  return outcome.intact(checked, reached);
}
