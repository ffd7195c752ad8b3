import type { SecurityRuleProperties } from "../store/types.ts";

function rule(priority: number, direction: "Inbound" | "Outbound", access: "Allow" | "Deny", source: string, destination: string, description: string): SecurityRuleProperties {
  return {
    description,
    protocol: "*",
    sourcePortRange: "*",
    destinationPortRange: "*",
    sourceAddressPrefix: source,
    destinationAddressPrefix: destination,
    access,
    priority,
    direction,
    sourcePortRanges: [],
    destinationPortRanges: [],
    sourceAddressPrefixes: [],
    destinationAddressPrefixes: [],
  };
}

/** ARM's default rules, present on every NSG and read-only. */
export const DEFAULT_SECURITY_RULES: ReadonlyArray<{ name: string; properties: SecurityRuleProperties }> = [
  { name: "AllowVnetInBound", properties: rule(65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork", "Allow inbound traffic from all VMs in VNET") },
  { name: "AllowAzureLoadBalancerInBound", properties: rule(65001, "Inbound", "Allow", "AzureLoadBalancer", "*", "Allow inbound traffic from azure load balancer") },
  { name: "DenyAllInBound", properties: rule(65500, "Inbound", "Deny", "*", "*", "Deny all inbound traffic") },
  { name: "AllowVnetOutBound", properties: rule(65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork", "Allow outbound traffic from all VMs to all VMs in VNET") },
  { name: "AllowInternetOutBound", properties: rule(65001, "Outbound", "Allow", "*", "Internet", "Allow outbound traffic from all VMs to Internet") },
  { name: "DenyAllOutBound", properties: rule(65500, "Outbound", "Deny", "*", "*", "Deny all outbound traffic") },
];
