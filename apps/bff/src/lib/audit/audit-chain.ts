import { createHash } from "node:crypto";

/**
 * The tamper-evident chain over `audit_event`: each event's `hash` is SHA-256 over a canonical serialisation of
 * its content (every stored column except `hash`) followed by the previous event's hash (by `seq`), so changing,
 * removing or reordering a stored event breaks the chain at that point.
 */

/** Format tag in the serialisation: a future format would use another tag, never change this one. */
const formatTag = "portcullis-audit-v1";

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

/** The exact text the hash covers. */
export function canonicalEvent(event: ChainedContent): string {
  return JSON.stringify([
    formatTag,
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
  ]);
}

/** Lower-case hex SHA-256 of the event's canonical serialisation (which ends with the previous hash). */
export function hashEvent(event: ChainedContent): string {
  return createHash("sha256").update(canonicalEvent(event), "utf8").digest("hex");
}
