import type { Nsg, NsgRule } from "../nsg/types.ts";

/** Test-only builders: an inbound TCP Allow from anywhere to anywhere on port 22 unless told otherwise. */
export function rule(overrides: Partial<NsgRule> & Pick<NsgRule, "name" | "priority">): NsgRule {
  return {
    direction: "Inbound",
    access: "Allow",
    protocol: "Tcp",
    sourceAddressPrefixes: ["*"],
    sourcePortRanges: ["*"],
    destinationAddressPrefixes: ["*"],
    destinationPortRanges: ["22"],
    ...overrides,
  };
}

export function nsg(name: string, rules: NsgRule[], resourceGroup = "rg-net"): Nsg {
  return {
    id: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkSecurityGroups/${name}`,
    name,
    resourceGroup,
    location: "westeurope",
    rules,
  };
}
