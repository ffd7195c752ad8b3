/**
 * The signed records verification trusts before it walks the events: pruning checkpoints (where the walk starts)
 * and head anchors from the database and from anchor files (what the walk must reach). A record whose signature
 * fails is named as the first broken thing: nothing it vouches for can be believed.
 */
import type { AuditVerifyResponse } from "@portcullis/contract";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import { anchorOfRow, readAnchorFile, type AuditAnchor } from "./audit-anchors.ts";
import type { AuditSigningKey, SignedRecordKind } from "./audit-signing.ts";

type Db = Kysely<DatabaseSchema>;
export type Broken = NonNullable<AuditVerifyResponse["firstBroken"]>;

export interface SourcedAnchor extends AuditAnchor {
  source: "database" | "file";
  /** The file it came from; null from the database. */
  file: string | null;
}

export interface TrustedCheckpoint {
  seq: bigint;
  hash: string;
  at: Date;
  /** Events all checkpoints pruned: where the chain's count stands at the checkpoint. */
  pruned: bigint;
}

function badSignature(kind: SignedRecordKind, recordKeyId: string, key: AuditSigningKey): string {
  return recordKeyId === key.keyId ? `${kind} signature mismatch` : `${kind} signed with another key (${recordKeyId}, this one is ${key.keyId})`;
}

/** The latest checkpoint when every checkpoint's signature holds; the key is asked for only when there are any. */
export async function trustedCheckpoint(
  db: Db,
  key: () => Promise<AuditSigningKey>,
): Promise<{ latest: TrustedCheckpoint | null; broken: Broken | null }> {
  const checkpoints = await db.selectFrom("audit_checkpoint").selectAll().orderBy("seq").execute();
  if (checkpoints.length === 0) return { latest: null, broken: null };
  const signer = await key();
  let pruned = 0n;
  for (const cp of checkpoints) {
    const fields = { id: cp.id, seq: cp.seq, hash: cp.hash, count: cp.count, at: new Date(cp.at) };
    if (!signer.verify(fields, cp.signature, "checkpoint")) {
      return { latest: null, broken: { seq: Number(cp.seq), id: cp.id, reason: badSignature("checkpoint", cp.key_id, signer) } };
    }
    pruned += BigInt(cp.count);
  }
  const latest = checkpoints.at(-1);
  if (latest === undefined) return { latest: null, broken: null };
  return { latest: { seq: BigInt(latest.seq), hash: latest.hash, at: new Date(latest.at), pruned }, broken: null };
}

/** Anchors of the database, then of each file (files may repeat the database's: the same id is kept once). */
export async function loadAnchors(db: Db, files: readonly string[]): Promise<SourcedAnchor[]> {
  const rows = await db.selectFrom("audit_anchor").selectAll().orderBy("seq").execute();
  const anchors: SourcedAnchor[] = rows.map((row) => ({ ...anchorOfRow(row), source: "database", file: null }));
  for (const file of files) {
    for (const anchor of await readAnchorFile(file)) anchors.push({ ...anchor, source: "file", file });
  }
  return anchors;
}

/** The first anchor whose signature fails, named with where it was found. */
export function forgedAnchor(anchors: readonly SourcedAnchor[], key: AuditSigningKey): Broken | null {
  for (const anchor of anchors) {
    if (key.verify(anchor, anchor.signature, "anchor")) continue;
    const where = anchor.file === null ? "" : ` (in ${anchor.file})`;
    return { seq: Number(anchor.seq), id: anchor.id, reason: `${badSignature("anchor", anchor.keyId, key)}${where}` };
  }
  return null;
}

/** The anchors past the checkpoint, oldest first, each id once: the heads the walk must pass through. */
export function anchorsToReach(anchors: readonly SourcedAnchor[], after: bigint | null): SourcedAnchor[] {
  const seen = new Set<string>();
  const kept: SourcedAnchor[] = [];
  for (const anchor of anchors) {
    if (seen.has(anchor.id) || (after !== null && BigInt(anchor.seq) <= after)) continue;
    seen.add(anchor.id);
    kept.push(anchor);
  }
  return kept.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0));
}
