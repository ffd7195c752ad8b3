import { createHash } from "node:crypto";
import type { AuditSigningKey } from "./audit-signing.ts";

/**
 * The tamper-evident chain over `audit_event`: each event's `hash` covers a canonical serialisation of its
 * content (every stored column except `hash`) followed by the previous event's hash (by `seq`), so changing,
 * removing or reordering a stored event breaks the chain at that point.
 *
 * Two formats, told apart by `key_id` (docs/decisions/011-audit-anchor.md):
 * - v1 (`key_id` null, events written before migration 0008): SHA-256. Anyone can recompute it, so these rows
 *   are pinned by the first signed anchor after the upgrade instead.
 * - v2 (`key_id` set): HMAC-SHA256 with the audit key, so rewriting an event and re-hashing those after it needs
 *   the key. Every event appended since 0008 is v2.
 */

/** Format tags in the serialisation: a future format would use another tag, never change these. */
const formatV1 = "portcullis-audit-v1";
const formatV2 = "portcullis-audit-v2";

/** Key of the transaction-level advisory lock every chain append (and pruning) holds: one appender at a time across replicas. */
export const auditChainLockName = "portcullis:audit-chain";

/** The content of one event as stored; `seq` in any integer form the driver returns (string, bigint or number). */
export interface ChainedContent {
  seq: string | number | bigint;
  id: string;
  at: Date;
  actorOid: string;
  actorName: string;
  actorIp: string | null;
  action: string;
  outcome: string;
  vmId: string | null;
  vmName: string | null;
  details: unknown;
  error: string | null;
  correlationId: string | null;
  prevHash: string | null;
  /** The audit key's id for a v2 (keyed) event; null for a v1 event. */
  keyId: string | null;
}

/** JSON with object keys sorted at every depth, so the same value always serialises to the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * What `details` reads back as from jsonb: JSON-compatible values only (a Date becomes its ISO text, undefined
 * fields go). The hash is computed over this form, so it matches what verification later reads.
 */
export function normaliseDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details ?? {})) as Record<string, unknown>;
}

function contentFields(event: Omit<ChainedContent, "keyId">): unknown[] {
  return [
    String(event.seq),
    event.id,
    event.at.toISOString(),
    event.actorOid,
    event.actorName,
    event.actorIp,
    event.action,
    event.outcome,
    event.vmId,
    event.vmName,
    canonicalJson(event.details),
    event.error,
    event.correlationId,
    event.prevHash,
  ];
}

/** The exact text the hash covers: v1 as it always was; v2 adds the key id after the previous hash. */
export function canonicalEvent(event: ChainedContent): string {
  return event.keyId === null
    ? JSON.stringify([formatV1, ...contentFields(event)])
    : JSON.stringify([formatV2, ...contentFields(event), event.keyId]);
}

/** Lower-case hex SHA-256 of a v1 event's canonical serialisation (which ends with the previous hash). */
export function hashEventV1(event: Omit<ChainedContent, "keyId">): string {
  return createHash("sha256").update(canonicalEvent({ ...event, keyId: null }), "utf8").digest("hex");
}

/** Thrown when a v2 event names another key than the one at hand: its hash cannot be checked or made with it. */
export class AuditKeyMismatchError extends Error {
  readonly eventKeyId: string;
  constructor(eventKeyId: string, keyId: string) {
    super(`event hashed with another key (${eventKeyId}, this one is ${keyId})`);
    this.name = "AuditKeyMismatchError";
    this.eventKeyId = eventKeyId;
  }
}

/** The event's hash in its format: SHA-256 for v1, HMAC-SHA256 with `key` for v2 (whose key id must be `key`'s). */
export function hashEvent(event: ChainedContent, key: AuditSigningKey | null): string {
  if (event.keyId === null) return hashEventV1(event);
  if (key === null || key.keyId !== event.keyId) throw new AuditKeyMismatchError(event.keyId, key?.keyId ?? "none");
  return key.mac(canonicalEvent(event));
}
