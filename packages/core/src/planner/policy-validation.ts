import { fieldPath, type FieldPathPart } from "@portcullis/contract";
import { cidrEquals, cidrIsSubsetOf } from "../net/compare.ts";
import { coverageOfCidrs, defaultPrefixSizeLimits, describeCoverage, familyBits, isEveryAddressWord, type PrefixSizeLimits } from "../net/coverage.ts";
import { formatCidr, formatIp, parseCidr, parseCidrStrict } from "../net/parse.ts";
import type { Cidr } from "../net/parse.ts";
import type { JitPolicy, JitPortRule, JitProtocol } from "./types.ts";

/** Shortest and longest access a policy may allow (Defender's limits). */
export const minRequestMinutes = 5;
export const maxRequestMinutes = 24 * 60;
/** Fixed allowed sources per port; a longer list belongs in a service tag or a larger prefix. */
export const maxAllowedPrefixes = 100;

export const jitProtocols: readonly JitProtocol[] = ["TCP", "UDP", "Any"];

/** One broken rule of a policy, named by its path (`ports[1].allowedSources.prefixes[0]`). */
export interface PolicyIssue {
  field: string;
  rule: string;
}

/** The text a CIDR strictly parses to (host bits clear), or the reason it is refused. */
export type PrefixCheck = { ok: true; cidr: Cidr } | { ok: false; rule: string };

/** IPv6 ranges that stand for IPv4 addresses: a source there would be judged (and sized) as IPv6 but mean IPv4. */
const ipv4InIpv6: readonly Cidr[] = ["::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96", "::/96"].flatMap((text) => {
  const parsed = parseCidrStrict(text);
  return parsed.ok ? [parsed.value] : [];
});

function embedsIpv4(cidr: Cidr): boolean {
  return cidr.family === "ipv6" && ipv4InIpv6.some((range) => cidrIsSubsetOf(cidr, range));
}

/** The widest per-request limit a policy may set; wider is "any", which must be chosen explicitly. */
export const widestPrefixSizeLimits: PrefixSizeLimits = { ipv4: 8, ipv6: 16 };

/** The limits a port puts on what a requester may pick: its own on a "per request" port, the defaults otherwise. */
export function sourceLimitsOf(rule: Pick<JitPortRule, "allowedSources">): PrefixSizeLimits {
  const sources = rule.allowedSources;
  return sources.kind === "per-request" && sources.maxPrefixSize !== undefined ? sources.maxPrefixSize : defaultPrefixSizeLimits;
}

/**
 * Checks one source prefix as ARM would, and refuses addresses that mean
 * "everyone" (`*`, `0.0.0.0/0`, `::/0`): those are only allowed through an
 * explicit `{ kind: "any" }`.
 */
export function checkSourcePrefix(text: string): PrefixCheck {
  const lower = text.trim().toLowerCase();
  if (isEveryAddressWord(lower) && lower !== "internet") {
    return { ok: false, rule: `"${text}" would admit every address; choose "any" as the allowed sources explicitly instead` };
  }
  if (lower === "internet") {
    return { ok: false, rule: `"${text}" would admit every Internet address; choose "any" as the allowed sources explicitly instead` };
  }
  const parsed = parseCidrStrict(text);
  if (parsed.ok) {
    if (parsed.value.prefixLength === 0) {
      return { ok: false, rule: `${text} would admit every address; choose "any" as the allowed sources explicitly instead` };
    }
    if (embedsIpv4(parsed.value)) {
      return { ok: false, rule: `${text} is an IPv6 form of IPv4 addresses (mapped, translated or NAT64): write IPv4 sources as IPv4` };
    }
    return { ok: true, cidr: parsed.value };
  }
  switch (parsed.reason) {
    case "empty":
      return { ok: false, rule: "must not be empty" };
    case "malformed":
      return { ok: false, rule: `"${text}" is not an IPv4 or IPv6 address or CIDR (service tags are not accepted)` };
    case "prefix length out of range":
      return { ok: false, rule: `prefix length out of range in ${text}: use /0-/32 for IPv4, /0-/128 for IPv6` };
    case "host bits set": {
      const loose = parseCidr(text);
      const suggestion = loose.ok ? `; did you mean ${formatCidr(loose.value)}?` : "";
      return { ok: false, rule: `host bits set: ${text} has address bits after its prefix length${suggestion}` };
    }
  }
}

function protocolsOverlap(a: JitProtocol, b: JitProtocol): boolean {
  return a === b || a === "Any" || b === "Any";
}

function isWholeNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function validatePrefixes(prefixes: unknown, path: readonly FieldPathPart[], issues: PolicyIssue[]): void {
  const field = fieldPath(path);
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    issues.push({ field, rule: "at least one IP address or CIDR is required" });
    return;
  }
  if (prefixes.length > maxAllowedPrefixes) {
    issues.push({ field, rule: `at most ${maxAllowedPrefixes} prefixes per port` });
  }
  const seen: Array<{ cidr: Cidr; index: number }> = [];
  prefixes.forEach((prefix: unknown, index) => {
    const itemField = fieldPath([...path, index]);
    if (typeof prefix !== "string") {
      issues.push({ field: itemField, rule: "must be a string" });
      return;
    }
    const check = checkSourcePrefix(prefix);
    if (!check.ok) {
      issues.push({ field: itemField, rule: check.rule });
      return;
    }
    const earlier = seen.find((entry) => cidrEquals(entry.cidr, check.cidr));
    if (earlier !== undefined) {
      issues.push({ field: itemField, rule: `${formatIp(check.cidr.network)}/${check.cidr.prefixLength} is already listed (${fieldPath([...path, earlier.index])})` });
      return;
    }
    seen.push({ cidr: check.cidr, index });
  });
  // However they are split, prefixes that add up to a whole family are "any" in disguise.
  const coverage = coverageOfCidrs(seen.map((entry) => entry.cidr));
  if (coverage.everyAddress) {
    issues.push({ field, rule: `together these prefixes admit ${describeCoverage(coverage)}; choose "any" as the allowed sources explicitly instead` });
  }
}

function validateLimits(limits: unknown, path: readonly FieldPathPart[], issues: PolicyIssue[]): void {
  if (limits === undefined) return;
  const field = fieldPath(path);
  if (typeof limits !== "object" || limits === null) {
    issues.push({ field, rule: "must give ipv4 and ipv6 prefix lengths" });
    return;
  }
  for (const family of ["ipv4", "ipv6"] as const) {
    const value: unknown = (limits as Record<string, unknown>)[family];
    const widest = widestPrefixSizeLimits[family];
    if (!isWholeNumberIn(value, widest, familyBits[family])) {
      issues.push({ field: fieldPath([...path, family]), rule: `must be a prefix length from ${widest} to ${familyBits[family]} (/${widest} is the widest; wider sources need "any" explicitly)` });
    }
  }
}

function validatePortRule(rule: JitPortRule, index: number, earlier: readonly JitPortRule[], issues: PolicyIssue[]): void {
  const path = ["ports", index];
  const field = (...rest: FieldPathPart[]) => fieldPath([...path, ...rest]);
  const portOk = isWholeNumberIn(rule.port, 0, 65535);
  if (!portOk) issues.push({ field: field("port"), rule: "must be a whole number from 0 to 65535" });
  const protocolOk = jitProtocols.includes(rule.protocol);
  if (!protocolOk) issues.push({ field: field("protocol"), rule: "must be TCP, UDP or Any" });
  if (portOk && protocolOk) {
    const clash = earlier.findIndex((other) => other.port === rule.port && jitProtocols.includes(other.protocol) && protocolsOverlap(other.protocol, rule.protocol));
    const other = earlier[clash];
    if (other !== undefined) {
      issues.push({ field: field("port"), rule: `port ${rule.port} is already listed for ${other.protocol} (${fieldPath(["ports", clash])}); each port may appear once per protocol, and Any covers both` });
    }
  }
  if (!isWholeNumberIn(rule.maxRequestMinutes, minRequestMinutes, maxRequestMinutes)) {
    issues.push({ field: field("maxRequestMinutes"), rule: `must be a whole number of minutes from ${minRequestMinutes} (5 minutes) to ${maxRequestMinutes} (24 hours)` });
  }
  const sources: unknown = rule.allowedSources;
  const kind = typeof sources === "object" && sources !== null ? (sources as { kind?: unknown }).kind : undefined;
  if (kind === "prefixes") {
    validatePrefixes((sources as { prefixes?: unknown }).prefixes, [...path, "allowedSources", "prefixes"], issues);
  } else if (kind === "per-request") {
    validateLimits((sources as { maxPrefixSize?: unknown }).maxPrefixSize, [...path, "allowedSources", "maxPrefixSize"], issues);
  } else if (kind !== "any") {
    issues.push({ field: field("allowedSources", "kind"), rule: "must be per-request, any or prefixes" });
  }
}

/**
 * Domain rules of a JIT policy, for input that already has the right shape
 * (the API's schema checks types). Returns every issue, in field order; an
 * empty list means the policy is valid.
 */
export function validatePolicy(policy: JitPolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const ports: unknown = policy.ports;
  if (!Array.isArray(ports) || ports.length === 0) {
    return [{ field: "ports", rule: "at least one port is required" }];
  }
  const rules = ports as JitPortRule[];
  rules.forEach((rule, index) => validatePortRule(rule, index, rules.slice(0, index), issues));
  return issues;
}
