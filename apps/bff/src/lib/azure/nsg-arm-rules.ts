import type { NetworkSecurityGroup, SecurityRule } from "@azure/arm-network";
import type { NsgChange, NsgRule } from "@portcullis/core";
import { toNsg } from "./map-models.ts";

/**
 * ARM's plural `*AddressPrefixes` fields take addresses only (no `*`, no service tag), so one prefix always
 * goes in the singular field; several go in the plural one. Ports follow the same shape for symmetry.
 */
function prefixes(values: readonly string[], single: "sourceAddressPrefix" | "destinationAddressPrefix"): Partial<SecurityRule> {
  const plural = single === "sourceAddressPrefix" ? "sourceAddressPrefixes" : "destinationAddressPrefixes";
  if (values.length === 1) return { [single]: values[0] };
  return { [plural]: [...values] };
}

function portRanges(values: readonly string[], single: "sourcePortRange" | "destinationPortRange"): Partial<SecurityRule> {
  const plural = single === "sourcePortRange" ? "sourcePortRanges" : "destinationPortRanges";
  if (values.length === 1) return { [single]: values[0] };
  return { [plural]: [...values] };
}

/** A domain rule as ARM takes it in a whole-NSG PUT. */
export function toArmRule(rule: NsgRule): SecurityRule {
  return {
    name: rule.name,
    priority: rule.priority,
    direction: rule.direction,
    access: rule.access,
    protocol: rule.protocol,
    ...prefixes(rule.sourceAddressPrefixes, "sourceAddressPrefix"),
    ...portRanges(rule.sourcePortRanges, "sourcePortRange"),
    ...prefixes(rule.destinationAddressPrefixes, "destinationAddressPrefix"),
    ...portRanges(rule.destinationPortRanges, "destinationPortRange"),
    ...(rule.description === undefined ? {} : { description: rule.description }),
  };
}

/**
 * The NSG as read, with the planned rule set: rules the plan leaves as they are (or only renumbers) keep
 * every field ARM sent (application security groups included), rules it adds or rewrites are built from the
 * plan, and rules the domain model could not read are left untouched rather than dropped.
 */
export function nsgWithPlannedRules(current: NetworkSecurityGroup, change: NsgChange): NetworkSecurityGroup {
  const existing = current.securityRules ?? [];
  const byName = new Map(existing.flatMap((rule) => (rule.name === undefined ? [] : [[rule.name.toLowerCase(), rule] as const])));
  const rewritten = new Set([...change.diff.added.map((r) => r.name), ...change.diff.updated.map((u) => u.after.name)].map((n) => n.toLowerCase()));
  const modelled = new Set((toNsg(current)?.rules ?? []).map((rule) => rule.name.toLowerCase()));
  const planned = change.rules.map((rule): SecurityRule => {
    const key = rule.name.toLowerCase();
    const kept = byName.get(key);
    return kept !== undefined && !rewritten.has(key) ? { ...kept, priority: rule.priority } : toArmRule(rule);
  });
  const unreadable = existing.filter((rule) => rule.name === undefined || !modelled.has(rule.name.toLowerCase()));
  // Everything else of the NSG is written back as read (a whole-NSG PUT resets what it omits, flushConnection too).
  return { ...current, securityRules: [...planned, ...unreadable], ...(change.flushConnection === undefined ? {} : { flushConnection: change.flushConnection }) };
}
