/**
 * The legacy reader: payloads of rows written before the contract's domain events (or that do not parse with their
 * action's schema) are read as they were, leniently. The hash chain covers old rows, so they stay as stored.
 * Ports were written as `"22/TCP"` strings, `{ port, protocol }` or `{ number, protocol }` objects; policy events
 * held the policy's ports with their allowed sources.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface LegacyFacts {
  ports: string[];
  sources: string[];
  durationMinutes: number | null;
  justification: string | null;
  actorKind: "user" | "application";
}

function legacyPorts(ports: unknown): string[] {
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

function legacySources(sources: unknown, ports: unknown): string[] {
  if (Array.isArray(sources)) return sources.filter((s): s is string => typeof s === "string");
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

/** The activity log's facts of a payload that did not parse with its action's schema. */
export function legacyFacts(details: Record<string, unknown>): LegacyFacts {
  const duration = details["durationMinutes"];
  const justification = details["justification"];
  return {
    ports: legacyPorts(details["ports"]),
    sources: legacySources(details["sources"], details["ports"]),
    durationMinutes: typeof duration === "number" && Number.isFinite(duration) ? duration : null,
    justification: typeof justification === "string" ? justification : null,
    actorKind: details["actorKind"] === "application" ? "application" : "user",
  };
}
