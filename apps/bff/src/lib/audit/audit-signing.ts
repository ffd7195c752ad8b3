import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ensurePrivateDir, privateFileMode } from "../private-files.ts";

/**
 * The fields of a signed record: a pruning checkpoint (seq and hash of the last pruned event, events pruned) or a
 * head anchor (seq and hash of the newest event, events in the chain up to it, pruned ones included).
 */
export interface CheckpointFields {
  id: string;
  seq: string | number | bigint;
  hash: string;
  count: string | number | bigint;
  at: Date;
}

/**
 * What a signature says about its fields. Each kind has its own tag in the signed text, so an anchor ("these
 * events existed") can never be replayed as a checkpoint ("these events were pruned on purpose") or back.
 */
export type SignedRecordKind = "checkpoint" | "anchor";

/** The audit key: HMAC-SHA256 over event hashes and signed records; `keyId` names the key without revealing it. */
export interface AuditSigningKey {
  readonly keyId: string;
  sign(fields: CheckpointFields, kind: SignedRecordKind): string;
  verify(fields: CheckpointFields, signature: string, kind: SignedRecordKind): boolean;
  /** Lower-case hex HMAC-SHA256 of text that carries its own format tag (the keyed event hash, audit-chain.ts). */
  mac(text: string): string;
}

/** Where the generated key is kept when AUDIT_SIGNING_KEY is not set. */
export const signingKeyFileName = "audit-signing.key";

const recordTags: Record<SignedRecordKind, string> = { checkpoint: "portcullis-audit-checkpoint-v1", anchor: "portcullis-audit-anchor-v1" };

function signedText(fields: CheckpointFields, kind: SignedRecordKind): string {
  return JSON.stringify([recordTags[kind], fields.id, String(fields.seq), fields.hash, String(fields.count), fields.at.toISOString()]);
}

export function auditSigningKey(secret: Buffer): AuditSigningKey {
  const keyId = createHash("sha256").update(secret).digest("hex").slice(0, 16);
  const mac = (text: string) => createHmac("sha256", secret).update(text, "utf8").digest("hex");
  const sign = (fields: CheckpointFields, kind: SignedRecordKind) => mac(signedText(fields, kind));
  return {
    keyId,
    sign,
    mac,
    verify(fields, signature, kind) {
      const expected = Buffer.from(sign(fields, kind), "hex");
      const given = Buffer.from(signature, "hex");
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/**
 * AUDIT_SIGNING_KEY when set; otherwise a random key generated once and kept in `<dataDir>/audit-signing.key`
 * (mode 0600). Replicas sharing PostgreSQL each have their own DATA_DIR: give them AUDIT_SIGNING_KEY instead.
 */
export async function loadAuditSigningKey(options: { configuredKey: string | undefined; dataDir: string }): Promise<AuditSigningKey> {
  if (options.configuredKey !== undefined) return auditSigningKey(Buffer.from(options.configuredKey, "utf8"));
  const file = path.join(options.dataDir, signingKeyFileName);
  await ensurePrivateDir(options.dataDir);
  try {
    // "wx": two processes starting together cannot both create it; the loser reads the winner's key.
    await writeFile(file, `${randomBytes(32).toString("base64")}\n`, { mode: privateFileMode, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const text = (await readFile(file, "utf8")).trim();
  const secret = Buffer.from(text, "base64");
  if (secret.length < 32) throw new Error(`${file} does not hold an audit signing key (32 bytes, base64)`);
  return auditSigningKey(secret);
}
