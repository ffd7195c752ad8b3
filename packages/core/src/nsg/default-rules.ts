import type { NsgRule } from "./types.ts";

function defaultRule(
  name: string,
  priority: number,
  direction: NsgRule["direction"],
  access: NsgRule["access"],
  source: string,
  destination: string,
): NsgRule {
  return {
    name,
    priority,
    direction,
    access,
    protocol: "*",
    sourceAddressPrefixes: [source],
    sourcePortRanges: ["*"],
    destinationAddressPrefixes: [destination],
    destinationPortRanges: ["*"],
  };
}

/** Azure's default security rules: present in every NSG, cannot be deleted, only overridden by lower priorities. */
export const defaultInboundRules: readonly NsgRule[] = Object.freeze([
  defaultRule("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
  defaultRule("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
  defaultRule("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
]);

export const defaultOutboundRules: readonly NsgRule[] = Object.freeze([
  defaultRule("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
  defaultRule("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
  defaultRule("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
]);

export const defaultRules: readonly NsgRule[] = Object.freeze([...defaultInboundRules, ...defaultOutboundRules]);

/** Lowest priority number Azure accepts for a custom rule. */
export const minCustomPriority = 100;
/** Highest priority number Azure accepts for a custom rule. */
export const maxCustomPriority = 4096;
