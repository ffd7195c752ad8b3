import { nameFromArmId, parseEventDetails, type ActivityAction, type ActivityEvent, type EventPort, type ParsedEventDetails, type PolicyPort } from "@portcullis/contract";
import { detailsOf } from "../lib/audit/audit-events.ts";
import { legacyFacts } from "./legacy-details.ts";

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

type Facts = Pick<ActivityEvent, "ports" | "sources" | "durationMinutes" | "justification">;

const none: Facts = { ports: [], sources: [], durationMinutes: null, justification: null };

function portText(p: EventPort): string {
  return p.protocol === undefined ? String(p.port) : `${p.port}/${p.protocol}`;
}

/** What a policy's ports allow, as the Sources column shows it. */
function policySources(ports: readonly PolicyPort[]): string[] {
  const allowed = ports.flatMap((p): string[] => {
    const sources = p.allowedSources;
    if (sources.kind === "any") return ["Any"];
    if (sources.kind === "per-request") return ["Per request"];
    return sources.prefixes;
  });
  return [...new Set(allowed)];
}

/** The activity log's columns of a typed payload. */
function typedFacts(parsed: Extract<ParsedEventDetails, { typed: true }>): Facts {
  switch (parsed.action) {
    case "policy.enabled":
    case "policy.edited":
    case "policy.removed":
    case "policy.imported": {
      const ports = parsed.details.ports ?? [];
      return { ...none, ports: ports.map((p) => `${p.port}/${p.protocol}`), sources: policySources(ports) };
    }
    case "request.created":
    case "request.approved":
    case "request.denied":
    case "request.opened":
    case "request.failed":
    case "request.superseded":
    case "request.extended":
    case "request.revoked":
    case "request.expired":
    case "request.close-retried":
    case "request.lapsed":
    case "request.cancelled":
    case "request.break-glass":
    case "request.break-glass-reviewed": {
      const d = parsed.details;
      return { ports: (d.ports ?? []).map(portText), sources: d.sources ?? [], durationMinutes: d.durationMinutes ?? null, justification: d.justification ?? null };
    }
    default:
      return none;
  }
}

function lastSegment(id: string | null): string | null {
  return id === null ? null : nameFromArmId(id);
}

export function toActivityEvent(row: EventRow): ActivityEvent {
  const details = detailsOf(row.details);
  const parsed = parseEventDetails(row.action, details);
  // Rows that do not parse with their action's schema (written before it) are read by the legacy reader.
  const legacy = parsed.typed ? null : legacyFacts(details);
  const facts = parsed.typed ? typedFacts(parsed) : (legacy as Facts);
  const actorKind = parsed.typed ? (parsed.details.actorKind === "application" ? "application" : "user") : (legacy?.actorKind ?? "user");
  return {
    id: row.id,
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    action: row.action as ActivityAction,
    outcome: row.outcome,
    actor: { oid: row.actor_oid, name: row.actor_name, ip: row.actor_ip, kind: actorKind },
    vmId: row.vm_id,
    vmName: row.vm_name ?? lastSegment(row.vm_id),
    ports: facts.ports,
    sources: facts.sources,
    durationMinutes: facts.durationMinutes,
    justification: facts.justification,
    error: row.error,
    correlationId: row.correlation_id,
    details,
    hash: row.hash,
  };
}
