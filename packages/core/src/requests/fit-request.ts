import { jitProtocols, minRequestMinutes } from "../planner/policy-validation.ts";
import type { GrantPort, JitPolicy, JitPortRule } from "../planner/types.ts";
import { fitSources } from "./fit-sources.ts";
import { freeTextProblems } from "./free-text.ts";
import { justificationRuleProblems } from "./justification-rule.ts";
import { portLabel } from "./port-label.ts";
import { fieldPath, type JustificationRule } from "@portcullis/contract";
import type { FitRequestInput, FitRequestResult, RequestedPort, RequestProblem } from "./types.ts";

export const maxJustificationLength = 1000;

function protocolList(rules: readonly JitPortRule[]): string {
  return rules.map((rule) => rule.protocol).join(" and ");
}

/** The policy rules one requested port stands for, or the rule it breaks. */
function rulesFor(requested: RequestedPort, policy: JitPolicy): { ok: true; rules: JitPortRule[] } | { ok: false; field: "port" | "protocol"; rule: string } {
  const { port, protocol } = requested;
  if (protocol !== undefined && !jitProtocols.includes(protocol)) return { ok: false, field: "protocol", rule: "must be TCP, UDP or Any" };
  const configured = policy.ports.filter((rule) => rule.port === port);
  if (configured.length === 0) return { ok: false, field: "port", rule: `port ${String(port)} is not configured for this VM` };
  if (protocol === undefined) return { ok: true, rules: configured };
  const exact = configured.filter((rule) => rule.protocol === protocol);
  if (exact.length > 0) return { ok: true, rules: exact };
  // Any is TCP plus UDP, so a port configured for both separately grants Any as the pair.
  const pair = configured.filter((rule) => rule.protocol === "TCP" || rule.protocol === "UDP");
  if (protocol === "Any" && pair.length === 2) return { ok: true, rules: pair };
  return { ok: false, field: "protocol", rule: `port ${port} is not configured for ${protocol} on this VM (it is configured for ${protocolList(configured)})` };
}

function fitPorts(requested: unknown, policy: JitPolicy, problems: RequestProblem[]): JitPortRule[] {
  if (!Array.isArray(requested) || requested.length === 0) {
    problems.push({ field: "ports", rule: "choose at least one port" });
    return [];
  }
  const fitted: JitPortRule[] = [];
  (requested as RequestedPort[]).forEach((port, index) => {
    const match = rulesFor(port, policy);
    if (!match.ok) {
      problems.push({ field: fieldPath(["ports", index, match.field]), rule: match.rule });
      return;
    }
    for (const rule of match.rules) if (!fitted.includes(rule)) fitted.push(rule);
  });
  return fitted;
}

function checkDuration(minutes: unknown, rules: readonly JitPortRule[], problems: RequestProblem[]): void {
  const field = "durationMinutes";
  if (typeof minutes !== "number" || !Number.isInteger(minutes)) {
    problems.push({ field, rule: "must be a whole number of minutes" });
    return;
  }
  if (minutes < minRequestMinutes) {
    problems.push({ field, rule: `must be at least ${minRequestMinutes} minutes` });
    return;
  }
  const shortest = rules.reduce<JitPortRule | undefined>((best, rule) => (best === undefined || rule.maxRequestMinutes < best.maxRequestMinutes ? rule : best), undefined);
  if (shortest !== undefined && minutes > shortest.maxRequestMinutes) {
    problems.push({ field, rule: `must be at most ${shortest.maxRequestMinutes} minutes (the max request time of ${portLabel(shortest, rules)})` });
  }
}

function fitJustification(text: unknown, required: boolean, rule: JustificationRule | null, problems: RequestProblem[]): string | null {
  const field = "justification";
  if (text !== undefined && typeof text !== "string") {
    problems.push({ field, rule: "must be text" });
    return null;
  }
  const trimmed = (text ?? "").trim();
  if (trimmed === "") {
    if (required) problems.push({ field, rule: "is required by this VM's policy" });
    return null;
  }
  // Characters as people count them (code points), not UTF-16 units.
  if ([...trimmed].length > maxJustificationLength) problems.push({ field, rule: "must be at most 1,000 characters" });
  for (const broken of freeTextProblems(trimmed)) problems.push({ field, rule: broken });
  // The policy's own rule only on text that is otherwise acceptable (and never longer than the cap: matching stays bounded).
  if (problems.every((p) => p.field !== field)) for (const broken of justificationRuleProblems(trimmed, rule)) problems.push({ field, rule: broken });
  return trimmed;
}

/**
 * Fits an access request to its VM's policy: the ports must be configured,
 * the duration within the smallest max of the requested ports, every source a
 * subset of what each requested port allows (`*` or a /0 only when every one
 * allows any source), the justification present when required and fitting the policy's justification rule
 * (minimum length, pattern). Returns every
 * problem at once, in field order, or the normalised request with its times.
 */
export function fitRequest(input: FitRequestInput): FitRequestResult {
  const { policy, request, justificationRequired, justificationRule, now } = input;
  if (Number.isNaN(now.getTime())) throw new RangeError("fitRequest needs a valid `now`");
  const problems: RequestProblem[] = [];
  const rules = fitPorts(request.ports, policy, problems);
  checkDuration(request.durationMinutes, rules, problems);
  const sources = fitSources(request.sources, rules, problems);
  const justification = fitJustification(request.justification, justificationRequired, justificationRule ?? null, problems);
  if (problems.length > 0) return { ok: false, problems };
  // Whole seconds, as the Allow rule's description records the end.
  const startsAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const endsAt = new Date(startsAt.getTime() + request.durationMinutes * 60_000);
  return {
    ok: true,
    grant: {
      ports: rules.map((rule): GrantPort => ({ port: rule.port, protocol: rule.protocol })),
      sourcePrefixes: sources.prefixes,
      opensToAnyAddress: sources.opensToAnyAddress,
      durationMinutes: request.durationMinutes,
      justification,
      startsAt,
      endsAt,
    },
  };
}
