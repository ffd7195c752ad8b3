import { cidrIsSubsetOf } from "../net/compare.ts";
import { formatCidr, formatIp, parseCidrStrict } from "../net/parse.ts";
import type { Cidr } from "../net/parse.ts";
import { checkSourcePrefix } from "../planner/policy-validation.ts";
import type { JitPortRule } from "../planner/types.ts";
import { parseClientAddress } from "./client-address.ts";
import { portLabel } from "./port-label.ts";
import type { RequestedSources, RequestProblem } from "./types.ts";

/** Sources one request may name; more belong in a larger prefix. */
export const maxRequestSources = 20;

/** Words that mean "every address"; `Internet` is the NSG service tag, which the grant would write as `*`. */
const everyoneWords = new Set(["*", "any", "internet"]);
/** Allowed prefixes a "not within" message lists before summarising the rest. */
const listedAllowed = 5;

export interface FittedSources {
  prefixes: string[];
  opensToAnyAddress: boolean;
}

type Source = { kind: "everyone"; canonical: string; shown: string } | { kind: "cidr"; cidr: Cidr; canonical: string; shown: string };
type SourceCheck = { ok: true; source: Source } | { ok: false; rule: string };

function parseSource(text: string): SourceCheck {
  if (everyoneWords.has(text.toLowerCase())) return { ok: true, source: { kind: "everyone", canonical: "*", shown: text } };
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

/** Why the policy of the requested ports refuses this source, or null when every one of them admits it. */
function policyRefusal(source: Source, rules: readonly JitPortRule[]): string | null {
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
  const refusal = policyRefusal(check.source, rules);
  if (refusal !== null) problems.push({ field, rule: refusal });
  return { prefixes: [check.source.canonical], opensToAnyAddress: false };
}

function fitRanges(prefixes: unknown, rules: readonly JitPortRule[], problems: RequestProblem[]): FittedSources {
  const field = "sources.prefixes";
  if (!Array.isArray(prefixes) || prefixes.length === 0) {
    problems.push({ field, rule: "at least one IP address or CIDR is required" });
    return { prefixes: [], opensToAnyAddress: false };
  }
  const fitted: string[] = [];
  let opensToAnyAddress = false;
  prefixes.forEach((raw: unknown, index) => {
    const itemField = `${field}[${index}]`;
    if (typeof raw !== "string") {
      problems.push({ field: itemField, rule: "must be a string" });
      return;
    }
    const check = parseSource(raw.trim());
    if (!check.ok) {
      problems.push({ field: itemField, rule: check.rule });
      return;
    }
    const refusal = policyRefusal(check.source, rules);
    if (refusal !== null) {
      problems.push({ field: itemField, rule: refusal });
      return;
    }
    if (check.source.kind === "everyone") opensToAnyAddress = true;
    if (!fitted.includes(check.source.canonical)) fitted.push(check.source.canonical);
  });
  if (fitted.length > maxRequestSources) {
    problems.push({ field, rule: `at most ${maxRequestSources} different sources per request (${fitted.length} given); use a larger prefix` });
  }
  return { prefixes: fitted, opensToAnyAddress };
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
