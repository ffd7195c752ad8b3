import { demoSubscriptions } from "../seed/demo.ts";

export const PROD = demoSubscriptions.prod.id;
export const DEV = demoSubscriptions.dev.id;

/** ARM paths into the demo estate, for raw requests. */
export const nsgPath = (resourceGroup: string, nsg: string, subscriptionId: string = PROD): string =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkSecurityGroups/${nsg}`;
export const rulePath = (resourceGroup: string, nsg: string, rule: string, subscriptionId: string = PROD): string =>
  `${nsgPath(resourceGroup, nsg, subscriptionId)}/securityRules/${rule}`;
export const NETWORK = "api-version=2026-01-01";

/** A valid inbound rule body in the SDK's (flattened) shape. */
export function inboundRule(priority: number, port: string, source = "203.0.113.10") {
  return {
    protocol: "Tcp",
    sourcePortRange: "*",
    destinationPortRange: port,
    sourceAddressPrefix: source,
    destinationAddressPrefix: "*",
    access: "Allow",
    priority,
    direction: "Inbound",
  } as const;
}
