import { demoSubscriptions } from "@portcullis/azure-emulator";
import type { PolicyPort } from "@portcullis/contract";
import type { NsgRule } from "@portcullis/core";
import type { ArmClients } from "../lib/azure/clients.ts";
import { readNsg } from "../lib/azure/nsg-read.ts";

/** Test support: ids of the emulator's demo estate and a view of NSGs to compare. */
export const prod = demoSubscriptions.prod.id;
export const dev = demoSubscriptions.dev.id;

export function demoVmId(resourceGroup: string, name: string, subscriptionId: string = prod): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

export function demoNsgId(resourceGroup: string, name: string, subscriptionId: string = prod): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkSecurityGroups/${name}`;
}

export const demo = {
  app01: demoVmId("rg-app-prod", "vm-prod-app-01"),
  app03: demoVmId("rg-app-prod", "vm-prod-app-03"),
  app04NoNsg: demoVmId("rg-app-prod", "vm-prod-app-04"),
  web01: demoVmId("rg-web-prod", "vm-prod-web-01"),
  web02: demoVmId("rg-web-prod", "vm-prod-web-02"),
  web03: demoVmId("rg-web-prod", "vm-prod-web-03"),
  web04: demoVmId("rg-web-prod", "vm-prod-web-04"),
  nsgApp01: demoNsgId("rg-app-prod", "nsg-vm-prod-app-01"),
  nsgApp03: demoNsgId("rg-app-prod", "nsg-vm-prod-app-03"),
  nsgWeb01: demoNsgId("rg-web-prod", "nsg-vm-prod-web-01"),
  nsgWeb02: demoNsgId("rg-web-prod", "nsg-vm-prod-web-02"),
  nsgSnetWeb: demoNsgId("rg-net-prod", "nsg-snet-web"),
} as const;

export const ssh: PolicyPort = { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" };
export const rdp: PolicyPort = { port: 3389, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24"] }, maxRequestDuration: "PT1H" };

/** The NSG's custom rules as ARM holds them now, by name (priorities included). */
export async function rulesNow(arm: ArmClients, nsgId: string): Promise<NsgRule[]> {
  const { nsg } = await readNsg(arm, nsgId);
  return sortRules(nsg.rules);
}

export function sortRules(rules: readonly NsgRule[]): NsgRule[] {
  return [...rules].sort((a, b) => a.name.localeCompare(b.name));
}

/** The emulator's counters key writes by lower-cased NSG id. */
export const counterKey = (nsgId: string): string => nsgId.toLowerCase();
