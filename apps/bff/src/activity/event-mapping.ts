import { nameFromArmId, type ActivityAction, type ActivityEvent } from "@portcullis/contract";
import { detailsOf } from "../lib/audit/audit-events.ts";

/** The columns the activity log reads (never the search vector). */
export const eventColumns = [
  "seq",
  "id",
  "at",
  "actor_oid",
  "actor_name",
  "actor_ip",
  "action",
  "outcome",
  "vm_id",
  "vm_name",
  "details",
  "error",
  "correlation_id",
  "hash",
] as const;

export interface EventRow {
  seq: string;
  id: string;
  at: Date;
  actor_oid: string;
  actor_name: string;
  actor_ip: string | null;
  action: string;
  outcome: "success" | "failure";
  vm_id: string | null;
  vm_name: string | null;
  details: unknown;
  error: string | null;
  correlation_id: string | null;
  hash: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `"22/TCP"` strings as recorded, or `{ port | number, protocol }` objects (the policies' and requests' shapes). */
function portsOf(details: Record<string, unknown>): string[] {
  const ports = details["ports"];
  if (!Array.isArray(ports)) return [];
  return ports.flatMap((p): string[] => {
    if (typeof p === "string") return [p];
    if (typeof p === "number") return [String(p)];
    if (!isRecord(p)) return [];
    const number = p["port"] ?? p["number"];
    if (typeof number !== "number" && typeof number !== "string") return [];
    return [typeof p["protocol"] === "string" ? `${number}/${p["protocol"]}` : String(number)];
  });
}

/** `details.sources`; for a policy event, the sources its ports allow. */
function sourcesOf(details: Record<string, unknown>): string[] {
  const sources = details["sources"];
  if (Array.isArray(sources)) return sources.filter((s): s is string => typeof s === "string");
  const ports = details["ports"];
  if (!Array.isArray(ports)) return [];
  const allowed = ports.flatMap((p): string[] => {
    const kind = isRecord(p) && isRecord(p["allowedSources"]) ? p["allowedSources"] : undefined;
    if (kind === undefined) return [];
    if (kind["kind"] === "any") return ["Any"];
    if (kind["kind"] === "per-request") return ["Per request"];
    return Array.isArray(kind["prefixes"]) ? kind["prefixes"].filter((s): s is string => typeof s === "string") : [];
  });
  return [...new Set(allowed)];
}

function lastSegment(id: string | null): string | null {
  return id === null ? null : nameFromArmId(id);
}

export function toActivityEvent(row: EventRow): ActivityEvent {
  const details = detailsOf(row.details);
  const duration = details["durationMinutes"];
  const justification = details["justification"];
  return {
    id: row.id,
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    action: row.action as ActivityAction,
    outcome: row.outcome,
    actor: { oid: row.actor_oid, name: row.actor_name, ip: row.actor_ip, kind: details["actorKind"] === "application" ? "application" : "user" },
    vmId: row.vm_id,
    vmName: row.vm_name ?? lastSegment(row.vm_id),
    ports: portsOf(details),
    sources: sourcesOf(details),
    durationMinutes: typeof duration === "number" && Number.isFinite(duration) ? duration : null,
    justification: typeof justification === "string" ? justification : null,
    error: row.error,
    correlationId: row.correlation_id,
    details,
    hash: row.hash,
  };
}
