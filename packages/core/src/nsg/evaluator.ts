import { compileRules, createEvaluationCache } from "./compile.ts";
import type { CompiledNsg, CompiledRule, CompiledRuleList, EvaluationCache } from "./compile.ts";
import { parseEndpointIp, prefixMatchesEndpoint } from "./matchers.ts";
import type { CompiledContext, Endpoint, PortRange } from "./matchers.ts";
import type { Flow, Nsg, NsgRule, RuleAccess, RuleDirection, RuleProtocol } from "./types.ts";

/*
 * Azure's NSG semantics for one flow. Application security groups are out of
 * scope: a rule that names ASGs instead of address prefixes matches no flow here.
 */

export interface EvaluationContext {
  /** The VNet's address space: what the `VirtualNetwork` tag means, and what `Internet` excludes. */
  virtualNetworkPrefixes: readonly string[];
}

export interface MatchedRule {
  name: string;
  priority: number;
  isDefault: boolean;
  access: RuleAccess;
  protocol: RuleProtocol;
  /** The rule's source prefix that matched the flow, as written in the rule. */
  source: string;
}

export interface NsgVerdict {
  access: RuleAccess;
  rule: MatchedRule;
}

/** A flow with its endpoints parsed; build one with parseFlow to evaluate it many times. */
export interface ParsedFlow {
  source: Endpoint;
  destination: Endpoint;
  port: number;
  /** Lower-cased (`tcp`, `udp`). */
  protocol: string;
  sourcePort: number | undefined;
}

function isInternetLiteral(text: string): boolean {
  return text.trim().toLowerCase() === "internet";
}

/** Throws a RangeError when an endpoint is neither an IP nor "Internet", or both are "Internet". */
export function parseFlow(flow: Flow): ParsedFlow {
  const sourceIsInternet = isInternetLiteral(flow.source);
  const destinationIsInternet = isInternetLiteral(flow.destination);
  if (sourceIsInternet && destinationIsInternet) {
    throw new RangeError('A flow needs a concrete address on one side; both sides are "Internet"');
  }
  let source: Endpoint;
  let destination: Endpoint;
  if (sourceIsInternet) {
    const ip = parseEndpointIp(flow.destination, "destination");
    destination = { kind: "ip", family: ip.kind(), ip };
    source = { kind: "internet", family: ip.kind() };
  } else {
    const ip = parseEndpointIp(flow.source, "source");
    source = { kind: "ip", family: ip.kind(), ip };
    if (destinationIsInternet) {
      destination = { kind: "internet", family: ip.kind() };
    } else {
      const destinationIp = parseEndpointIp(flow.destination, "destination");
      destination = { kind: "ip", family: destinationIp.kind(), ip: destinationIp };
    }
  }
  return { source, destination, port: flow.port, protocol: flow.protocol.toLowerCase(), sourcePort: flow.sourcePort };
}

function portInRanges(port: number, ranges: readonly PortRange[]): boolean {
  return ranges.some((range) => port >= range.from && port <= range.to);
}

/** An unknown client port matches only ranges covering every port. */
function sourcePortMatches(sourcePort: number | undefined, ranges: readonly PortRange[]): boolean {
  if (sourcePort !== undefined) return portInRanges(sourcePort, ranges);
  return ranges.some((range) => range.from === 0 && range.to === 65535);
}

/** Returns the matched source prefix text, or null when the rule does not match. */
function matchRule(compiled: CompiledRule, flow: ParsedFlow, ctx: CompiledContext): string | null {
  if (compiled.protocol !== "*" && compiled.protocol !== flow.protocol) return null;
  if (!portInRanges(flow.port, compiled.destinationPorts)) return null;
  if (!sourcePortMatches(flow.sourcePort, compiled.sourcePorts)) return null;
  if (!compiled.destinations.some((matcher) => prefixMatchesEndpoint(matcher, flow.destination, ctx))) return null;
  const source = compiled.sources.find((matcher) => prefixMatchesEndpoint(matcher, flow.source, ctx));
  return source === undefined ? null : source.text;
}

/** First match wins; the default Deny-all at the end of every list means some rule always decides. */
export function evaluateCompiledRules(rules: CompiledRuleList, flow: ParsedFlow, ctx: CompiledContext): NsgVerdict {
  for (const compiled of rules) {
    const source = matchRule(compiled, flow, ctx);
    if (source !== null) {
      const { name, priority, access, protocol } = compiled.rule;
      return { access, rule: { name, priority, isDefault: compiled.isDefault, access, protocol, source } };
    }
  }
  throw new RangeError("Rule list has no catch-all rule; compile it with compileRules or compileNsg");
}

/** Evaluates one NSG's custom rules (Azure's default rules appended) for one flow. */
export function evaluateNsgRules(
  rules: readonly NsgRule[],
  flow: Flow,
  ctx: EvaluationContext,
  direction: RuleDirection = "Inbound",
): NsgVerdict {
  const compiled = compileRules(rules);
  const list = direction === "Inbound" ? compiled.inbound : compiled.outbound;
  return evaluateCompiledRules(list, parseFlow(flow), createEvaluationCache().context(ctx.virtualNetworkPrefixes));
}

export type NsgLevel = "subnet" | "nic";

export interface LevelDecision {
  level: NsgLevel;
  nsgId: string;
  nsgName: string;
  ruleName: string;
  priority: number;
  access: RuleAccess;
  isDefault: boolean;
  protocol: RuleProtocol;
  /** The matched source prefix as written in the rule. */
  source: string;
}

/**
 * For a Deny, `decidedBy` holds the denying level only. For an Allow, it lists
 * each level's allowing rule in traversal order; it is empty when neither level
 * has an NSG (nothing filters the flow).
 */
export interface FlowVerdict {
  access: RuleAccess;
  decidedBy: LevelDecision[];
}

export interface LevelsInput {
  subnetNsg: Nsg | null;
  nicNsg: Nsg | null;
  flow: Flow;
  virtualNetworkPrefixes: readonly string[];
  /** Reuse compiled NSGs across calls (see createEvaluationCache). */
  cache?: EvaluationCache;
}

export interface CompiledLevelsInput {
  subnetNsg: CompiledNsg | null;
  nicNsg: CompiledNsg | null;
  flow: ParsedFlow;
  ctx: CompiledContext;
}

function evaluateLevels(
  levels: ReadonlyArray<{ level: NsgLevel; nsg: CompiledNsg | null }>,
  direction: RuleDirection,
  flow: ParsedFlow,
  ctx: CompiledContext,
): FlowVerdict {
  const decidedBy: LevelDecision[] = [];
  for (const { level, nsg } of levels) {
    if (nsg === null) continue;
    const verdict = evaluateCompiledRules(direction === "Inbound" ? nsg.inbound : nsg.outbound, flow, ctx);
    const { name: ruleName, priority, access, isDefault, protocol, source } = verdict.rule;
    const decision: LevelDecision = { level, nsgId: nsg.id, nsgName: nsg.name, ruleName, priority, access, isDefault, protocol, source };
    if (access === "Deny") return { access: "Deny", decidedBy: [decision] };
    decidedBy.push(decision);
  }
  return { access: "Allow", decidedBy };
}

/** Inbound traffic passes the subnet's NSG, then the NIC's; both must allow. */
export function evaluateInboundCompiled(input: CompiledLevelsInput): FlowVerdict {
  const levels = [
    { level: "subnet" as const, nsg: input.subnetNsg },
    { level: "nic" as const, nsg: input.nicNsg },
  ];
  return evaluateLevels(levels, "Inbound", input.flow, input.ctx);
}

/** Outbound traffic passes the NIC's NSG, then the subnet's; both must allow. */
export function evaluateOutboundCompiled(input: CompiledLevelsInput): FlowVerdict {
  const levels = [
    { level: "nic" as const, nsg: input.nicNsg },
    { level: "subnet" as const, nsg: input.subnetNsg },
  ];
  return evaluateLevels(levels, "Outbound", input.flow, input.ctx);
}

function compileInput(input: LevelsInput): CompiledLevelsInput {
  const cache = input.cache ?? createEvaluationCache();
  return {
    subnetNsg: input.subnetNsg === null ? null : cache.nsg(input.subnetNsg),
    nicNsg: input.nicNsg === null ? null : cache.nsg(input.nicNsg),
    flow: parseFlow(input.flow),
    ctx: cache.context(input.virtualNetworkPrefixes),
  };
}

export function evaluateInbound(input: LevelsInput): FlowVerdict {
  return evaluateInboundCompiled(compileInput(input));
}

export function evaluateOutbound(input: LevelsInput): FlowVerdict {
  return evaluateOutboundCompiled(compileInput(input));
}
