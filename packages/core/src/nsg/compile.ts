import { defaultInboundRules, defaultOutboundRules } from "./default-rules.ts";
import { compileContext, compilePortRange, compilePrefix } from "./matchers.ts";
import type { CompiledContext, PortRange, PrefixMatcher } from "./matchers.ts";
import type { Nsg, NsgRule, RuleDirection } from "./types.ts";

/** A rule with its prefixes and port ranges parsed once, ready to match many flows. */
export interface CompiledRule {
  rule: NsgRule;
  isDefault: boolean;
  /** Lower-cased ARM protocol (`*`, `tcp`, `udp`, ...). */
  protocol: string;
  sources: readonly PrefixMatcher[];
  destinations: readonly PrefixMatcher[];
  sourcePorts: readonly PortRange[];
  destinationPorts: readonly PortRange[];
}

/** One direction's rules, custom and default, in evaluation order. */
export type CompiledRuleList = readonly CompiledRule[];

export interface CompiledRuleSet {
  inbound: CompiledRuleList;
  outbound: CompiledRuleList;
}

export interface CompiledNsg extends CompiledRuleSet {
  id: string;
  name: string;
}

function compileRule(rule: NsgRule, isDefault: boolean): CompiledRule {
  return {
    rule,
    isDefault,
    protocol: rule.protocol.toLowerCase(),
    sources: rule.sourceAddressPrefixes.map(compilePrefix),
    destinations: rule.destinationAddressPrefixes.map(compilePrefix),
    sourcePorts: rule.sourcePortRanges.map(compilePortRange).filter((range) => range !== null),
    destinationPorts: rule.destinationPortRanges.map(compilePortRange).filter((range) => range !== null),
  };
}

/**
 * Evaluation order: priority, then (only for duplicate priorities, which ARM
 * rejects) Deny before Allow and then by name, so the verdict never depends on
 * the order the rules were listed in.
 */
function byEvaluationOrder(a: CompiledRule, b: CompiledRule): number {
  if (a.rule.priority !== b.rule.priority) return a.rule.priority - b.rule.priority;
  if (a.rule.access !== b.rule.access) return a.rule.access === "Deny" ? -1 : 1;
  return a.rule.name < b.rule.name ? -1 : a.rule.name > b.rule.name ? 1 : 0;
}

function compileDirection(rules: readonly NsgRule[], direction: RuleDirection): CompiledRuleList {
  const defaults = direction === "Inbound" ? defaultInboundRules : defaultOutboundRules;
  const compiled = rules.filter((rule) => rule.direction === direction).map((rule) => compileRule(rule, false));
  compiled.sort(byEvaluationOrder);
  return [...compiled, ...defaults.map((rule) => compileRule(rule, true))];
}

/** Compiles an NSG's custom rules (default rules appended) for both directions. */
export function compileRules(rules: readonly NsgRule[]): CompiledRuleSet {
  return { inbound: compileDirection(rules, "Inbound"), outbound: compileDirection(rules, "Outbound") };
}

export function compileNsg(nsg: Nsg): CompiledNsg {
  return { id: nsg.id, name: nsg.name, ...compileRules(nsg.rules) };
}

/**
 * Memoises compiled NSGs and VNet contexts by object identity, so classifying
 * thousands of VMs parses each NSG and each address space once. Create one per
 * snapshot and do not mutate the NSGs or prefix arrays while it is in use.
 */
export interface EvaluationCache {
  nsg(nsg: Nsg): CompiledNsg;
  context(virtualNetworkPrefixes: readonly string[]): CompiledContext;
}

export function createEvaluationCache(): EvaluationCache {
  const nsgs = new WeakMap<Nsg, CompiledNsg>();
  const contexts = new WeakMap<readonly string[], CompiledContext>();
  return {
    nsg(nsg) {
      let compiled = nsgs.get(nsg);
      if (compiled === undefined) {
        compiled = compileNsg(nsg);
        nsgs.set(nsg, compiled);
      }
      return compiled;
    },
    context(prefixes) {
      let compiled = contexts.get(prefixes);
      if (compiled === undefined) {
        compiled = compileContext(prefixes);
        contexts.set(prefixes, compiled);
      }
      return compiled;
    },
  };
}
