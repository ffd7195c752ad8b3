import { isoDurationMinutes, type AllowedSourcesBody, type PolicyPort } from "@portcullis/contract";
import { describeMinutes } from "./format.ts";

export function describeSources(sources: AllowedSourcesBody): string {
  switch (sources.kind) {
    case "per-request":
      return sources.maxPrefixSize === undefined ? "per request" : `per request (up to /${sources.maxPrefixSize.ipv4}, /${sources.maxPrefixSize.ipv6})`;
    case "any":
      return "any source";
    case "prefixes": {
      const [first, ...rest] = sources.prefixes;
      return rest.length === 0 ? (first ?? "") : `${first ?? ""} +${rest.length}`;
    }
  }
}

/** An ISO duration in words ("3 h", "1 h 30 min"); the raw text if it is not one. */
export function describeIsoDuration(iso: string): string {
  const minutes = isoDurationMinutes(iso);
  return minutes === null || !Number.isInteger(minutes) ? iso : describeMinutes(minutes);
}

/** One port of a policy in a few words: "22 TCP · 3 h · per request". */
export function describePolicyPort(port: PolicyPort): string {
  return `${port.port} ${port.protocol} · ${describeIsoDuration(port.maxRequestDuration)} · ${describeSources(port.allowedSources)}`;
}
