import { fieldPath } from "@portcullis/contract";
import { cidrIsSubsetOf } from "../net/compare.ts";
import { coverageOfCidrs, describeCoverage, describeLimit, exceedsLimits, isEveryAddressWord, isWide, type SourceCoverage } from "../net/coverage.ts";
import { formatCidr, formatIp, parseCidrStrict } from "../net/parse.ts";
import type { Cidr } from "../net/parse.ts";
import { checkSourcePrefix, sourceLimitsOf } from "../planner/policy-validation.ts";
import type { JitPortRule } from "../planner/types.ts";
import { parseClientAddress } from "./client-address.ts";
import { portLabel } from "./port-label.ts";
import type { RequestedSources, RequestProblem } from "./types.ts";

/** Sources one request may name; more belong in a larger prefix. */
export const maxRequestSources = 20;

/** Allowed prefixes a "not within" message lists before summarising the rest. */
const listedAllowed = 5;

export interface FittedSources {
  prefixes: string[];
  /** The sources are wider than the requested ports' limits (what "any" means): the portal warns, the audit flags it. */
  opensToAnyAddress: boolean;
}

type Source = { kind: "everyone"; canonical: string; shown: string } | { kind: "cidr"; cidr: Cidr; canonical: string; shown: string };
type SourceCheck = { ok: true; source: Source } | { ok: false; rule: string };

function parseSource(text: string): SourceCheck {
  if (isEveryAddressWord(text)) return { ok: true, source: { kind: "everyone", canonical: "*", shown: text } };
  const strict = parseCidrStrict(text);
  if (strict.ok && strict.value.prefixLength === 0) return { ok: true, source: { kind: "everyone", canonical: formatCidr(strict.value), shown: text } };
  const check = checkSourcePrefix(text);
  if (!check.ok) return check;
  return { ok: true, source: { kind: "cidr", cidr: check.cidr, canonical: formatCidr(check.cidr), shown: formatCidr(check.cidr, { bareHost: true }) } };
}

function allowedList(prefixes: readonly string[]): string {
  const shown = prefixes.slice(0, listedAllowed).join(", ");
  return prefixes.length > listedAllowed ? `${shown} and ${prefixes.length - listedAllowed} more` : shown;
}

function withinPrefixes(cidr: Cidr, allowed: readonly string[]): boolean {
  return allowed.some((text) => {
    const parsed = parseCidrStrict(text);
    return parsed.ok && cidrIsSubsetOf(cidr, parsed.value);
  });
}

/** Why the policy of the requested ports refuses this one source, or null when every one of them admits it. */
function sourceRefusal(source: Source, rules: readonly JitPortRule[]): string | null {
  if (source.kind === "everyone") {
    if (rules.every((rule) => rule.allowedSources.kind === "any")) return null;
    return `\`${source.shown}\` opens the port to the whole Internet; this VM's policy does not allow any source`;
  }
  for (const rule of rules) {
    const allowed = rule.allowedSources;
    if (allowed.kind === "prefixes" && !withinPrefixes(source.cidr, allowed.prefixes)) {
      return `${source.shown} is outside the sources allowed for ${portLabel(rule, rules)}: ${allowedList(allowed.prefixes)}`;
    }
  }
  return null;
}

/**
 * Why the sources together open more than a "per request" port lets a requester pick, or null. Judged on the
 * union of the addresses (so two /1s are all of IPv4, and many /24s add up), never on one entry's spelling.
 */
function sizeRefusal(coverage: SourceCoverage, rules: readonly JitPortRule[]): string | null {
  for (const rule of rules) {
    if (rule.allowedSources.kind !== "per-request") continue;
    const excess = exceedsLimits(coverage, sourceLimitsOf(rule));
    if (excess === null) continue;
    const opened = coverage.everyAddress ? `${describeCoverage(coverage)}, the whole Internet` : describeCoverage(coverage);
    return `together these sources open ${portLabel(rule, rules)} to ${opened}; this VM's policy lets a requester open at most ${describeLimit(excess.family, excess.limit)}`;
  }
  return null;
}

/** Whether the granted sources count as "any" for the ports: wider than what a per-request port would allow. */
function opensWide(coverage: SourceCoverage, rules: readonly JitPortRule[]): boolean {
  return coverage.everyAddress || rules.some((rule) => isWide(coverage, sourceLimitsOf(rule)));
}

function fitMyIp(ip: unknown, rules: readonly JitPortRule[], problems: RequestProblem[]): FittedSources {
  const field = "sources.ip";
  const address = typeof ip === "string" ? parseClientAddress(ip.trim()) : null;
  if (address === null) {
    problems.push({ field, rule: `"${String(ip)}" is not an IPv4 or IPv6 address` });
    return { prefixes: [], opensToAnyAddress: false };
  }
  const check = parseSource(formatIp(address));
  if (!check.ok) {
    problems.push({ field, rule: check.rule });
    return { prefixes: [], opensToAnyAddress: false };
  }
  const refusal = sourceRefusal(check.source, rules);
  if (refusal !== null) problems.push({ field, rule: refusal });
  // "My IP" is always one address.
  return { prefixes: [check.source.canonical], opensToAnyAddress: false };
}

function fitRanges(prefixes: unknown, rules: readonly JitPortRule[], problems: RequestProblem[]): FittedSources {
  const path = ["sources", "prefixes"];
  const field = fieldPath(path);
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    problems.push({ field, rule: "at least one IP address or CIDR is required" });
    return { prefixes: [], opensToAnyAddress: false };
  }
  const fitted: string[] = [];
  const cidrs: Cidr[] = [];
  let everyone = false;
  let refusedOne = false;
  prefixes.forEach((raw: unknown, index) => {
    const itemField = fieldPath([...path, index]);
    if (typeof raw !== "string") {
      problems.push({ field: itemField, rule: "must be a string" });
      refusedOne = true;
      return;
    }
    const check = parseSource(raw.trim());
    if (!check.ok) {
      problems.push({ field: itemField, rule: check.rule });
      refusedOne = true;
      return;
    }
    const refusal = sourceRefusal(check.source, rules);
    if (refusal !== null) {
      problems.push({ field: itemField, rule: refusal });
      refusedOne = true;
      return;
    }
    if (check.source.kind === "everyone") everyone = true;
    else cidrs.push(check.source.cidr);
    if (!fitted.includes(check.source.canonical)) fitted.push(check.source.canonical);
  });
  if (fitted.length > maxRequestSources) {
    problems.push({ field, rule: `at most ${maxRequestSources} different sources per request (${fitted.length} given); use a larger prefix` });
  }
  const coverage = coverageOfCidrs(cidrs, { everyAddress: everyone });
  // Each entry's own problem is clearer than a sum that includes it, so the union is judged once they all pass.
  if (!refusedOne) {
    const tooWide = sizeRefusal(coverage, rules);
    if (tooWide !== null) problems.push({ field, rule: tooWide });
  }
  return { prefixes: fitted, opensToAnyAddress: opensWide(coverage, rules) };
}

/**
 * Checks the requested sources against the policy of every requested port
 * (`rules`; with none resolved only the syntax is checked) and returns them
 * canonical and de-duplicated. Problems are appended to `problems`.
 */
export function fitSources(sources: RequestedSources, rules: readonly JitPortRule[], problems: RequestProblem[]): FittedSources {
  const kind: unknown = (sources as { kind?: unknown } | null)?.kind;
  if (kind === "my-ip") return fitMyIp((sources as { ip?: unknown }).ip, rules, problems);
  if (kind === "ranges") return fitRanges((sources as { prefixes?: unknown }).prefixes, rules, problems);
  problems.push({ field: "sources.kind", rule: "must be my-ip or ranges" });
  return { prefixes: [], opensToAnyAddress: false };
}
