import type { EstateBuilder, RuleSpec } from "./builder.ts";

/**
 * The tenant of the demo subscriptions: the local issuer's tenant (apps/bff `localTenantId`), so that a
 * subscription's tenantId is the `tid` of the tokens that read it, as in Azure.
 */
export const DEMO_TENANT_ID = "7f3c9a52-4b1d-4e8f-9a6c-2d5e8b1f0a77";
/** The tenant demo estates were seeded with before it matched the local issuer's. */
export const FORMER_DEMO_TENANT_ID = "3e1d5c7a-9b2f-4a6e-8c0d-1f2e3d4c5b6a";

/** The demo estate's subscriptions (fixed ids), for tests in other packages. */
export const demoSubscriptions = {
  prod: { id: "6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b", name: "Contoso-Prod" },
  dev: { id: "0c9d8e7f-6a5b-4c4d-9e3f-2a1b0c9d8e7f", name: "Contoso-Dev" },
} as const;

/** Documentation ranges standing in for the offices' egress addresses. */
export const PROD_OFFICE_CIDR = "203.0.113.0/24";
export const DEV_OFFICE_CIDR = "198.51.100.0/24";

const PROD = demoSubscriptions.prod.id;
const DEV = demoSubscriptions.dev.id;

export const DEMO_RESOURCE_GROUPS: Array<[subscriptionId: string, name: string, location: string]> = [
  [PROD, "rg-net-prod", "westeurope"],
  [PROD, "rg-web-prod", "westeurope"],
  [PROD, "rg-app-prod", "westeurope"],
  [PROD, "rg-data-prod", "westeurope"],
  [PROD, "rg-mgmt-prod", "westeurope"],
  [PROD, "rg-dr-prod", "northeurope"],
  [DEV, "rg-dev-net", "eastus"],
  [DEV, "rg-dev-apps", "eastus"],
  [DEV, "rg-dev-sandbox", "eastus"],
  [DEV, "rg-dev-build", "eastus"],
];

interface NsgSpec {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  rules: RuleSpec[];
}

/** Every NSG of the demo estate by name. Rules at 100/110 that admit management ports are deliberate. */
export const DEMO_NSGS: Record<string, NsgSpec> = {
  "nsg-snet-web": {
    subscriptionId: PROD, resourceGroup: "rg-net-prod", location: "westeurope",
    rules: [
      { name: "Allow-HTTPS-Internet", priority: 100, ports: "443", source: "Internet" },
      { name: "Allow-HTTP-Internet", priority: 110, ports: "80", source: "Internet" },
      { name: "Allow-SSH-Legacy", priority: 200, ports: "22", source: "*", description: "Temporary SSH during the 2023 migration" },
    ],
  },
  "nsg-snet-data": {
    subscriptionId: PROD, resourceGroup: "rg-net-prod", location: "westeurope",
    rules: [
      { name: "Allow-SQL-From-App", priority: 100, ports: "1433", source: "10.10.2.0/24" },
      { name: "Allow-RDP-Office", priority: 110, ports: "3389", source: PROD_OFFICE_CIDR },
      { name: "Allow-SSH-Office", priority: 120, ports: "22", source: PROD_OFFICE_CIDR },
    ],
  },
  "nsg-snet-mgmt": {
    subscriptionId: PROD, resourceGroup: "rg-net-prod", location: "westeurope",
    rules: [
      { name: "Allow-RDP-Jumpbox", priority: 300, ports: "3389", source: "Internet", destination: "10.10.4.4" },
      { name: "Allow-SSH-Office", priority: 310, ports: "22", source: PROD_OFFICE_CIDR },
    ],
  },
  "nsg-legacy-unused": {
    subscriptionId: PROD, resourceGroup: "rg-net-prod", location: "westeurope",
    rules: [{ name: "Allow-RDP-Any", priority: 100, ports: "3389", source: "*" }],
  },
  "nsg-vm-prod-web-01": {
    subscriptionId: PROD, resourceGroup: "rg-web-prod", location: "westeurope",
    rules: [{ name: "Allow-HTTPS", priority: 100, ports: "443", source: "*" }],
  },
  "nsg-vm-prod-web-02": {
    subscriptionId: PROD, resourceGroup: "rg-web-prod", location: "westeurope",
    rules: [
      { name: "Allow-HTTPS", priority: 100, ports: "443", source: "*" },
      { name: "Allow-SSH", priority: 110, ports: "22", source: "Internet" },
    ],
  },
  "nsg-vm-prod-app-01": {
    subscriptionId: PROD, resourceGroup: "rg-app-prod", location: "westeurope",
    rules: [
      { name: "Allow-SSH-Any", priority: 100, ports: "22", source: "*" },
      { name: "Allow-App-VNet", priority: 110, ports: "8080", source: "VirtualNetwork" },
    ],
  },
  "nsg-vm-prod-app-02": {
    subscriptionId: PROD, resourceGroup: "rg-app-prod", location: "westeurope",
    rules: [{ name: "Allow-SSH-Office", priority: 100, ports: "22", source: PROD_OFFICE_CIDR }],
  },
  "nsg-vm-prod-app-03": {
    subscriptionId: PROD, resourceGroup: "rg-app-prod", location: "westeurope",
    rules: [{ name: "Allow-RDP", priority: 100, ports: "3389", source: "0.0.0.0/0" }],
  },
  "nsg-vm-prod-app-05": {
    subscriptionId: PROD, resourceGroup: "rg-app-prod", location: "westeurope",
    rules: [
      { name: "Allow-SSH-Containers", priority: 100, ports: "22", source: "Internet", destination: "10.10.2.240/28", description: "SSH to the container block on the NIC's secondary ip configuration" },
      { name: "Allow-HTTPS", priority: 110, ports: "443", source: "*" },
    ],
  },
  "nsg-vm-prod-sql-02": {
    subscriptionId: PROD, resourceGroup: "rg-data-prod", location: "westeurope",
    rules: [{ name: "Allow-WinRM", priority: 120, ports: ["5985", "5986"], source: "Internet" }],
  },
  "nsg-vm-prod-dr-02": {
    subscriptionId: PROD, resourceGroup: "rg-dr-prod", location: "northeurope",
    rules: [
      { name: "Allow-RDP-Any", priority: 100, ports: "3389", source: "*" },
      { name: "Allow-WinRM-HTTPS", priority: 110, ports: "5986", source: "Internet" },
    ],
  },
  "nsg-snet-dev-apps": {
    subscriptionId: DEV, resourceGroup: "rg-dev-net", location: "eastus",
    rules: [
      { name: "Allow-SSH-Office", priority: 100, ports: "22", source: DEV_OFFICE_CIDR },
      { name: "Allow-RDP-Office", priority: 110, ports: "3389", source: DEV_OFFICE_CIDR },
      { name: "Allow-Web", priority: 120, ports: ["80", "443"], source: "Internet" },
    ],
  },
  "nsg-snet-dev-build": {
    subscriptionId: DEV, resourceGroup: "rg-dev-net", location: "eastus",
    rules: [{ name: "Allow-All-Inbound-Temp", priority: 4000, ports: "*", source: "*", protocol: "*", description: "Build agents, to be tightened" }],
  },
  "nsg-vm-dev-api-02": {
    subscriptionId: DEV, resourceGroup: "rg-dev-apps", location: "eastus",
    rules: [{ name: "Allow-SSH-Internet", priority: 100, ports: "22", source: "Internet" }],
  },
  "nsg-vm-dev-api-03": {
    subscriptionId: DEV, resourceGroup: "rg-dev-apps", location: "eastus",
    rules: [
      { name: "Allow-HTTP", priority: 100, ports: "80", source: "*" },
      { name: "Allow-SSH-Office", priority: 110, ports: "22", source: DEV_OFFICE_CIDR },
    ],
  },
  "nsg-vm-dev-web-01": {
    subscriptionId: DEV, resourceGroup: "rg-dev-apps", location: "eastus",
    rules: [{ name: "Allow-RDP", priority: 100, ports: "3389", source: "*" }],
  },
  "nsg-vm-dev-sbx-01": {
    subscriptionId: DEV, resourceGroup: "rg-dev-sandbox", location: "eastus",
    rules: [{ name: "Allow-SSH", priority: 100, ports: "22", source: "*" }],
  },
  "nsg-vm-dev-sbx-02": {
    subscriptionId: DEV, resourceGroup: "rg-dev-sandbox", location: "eastus",
    rules: [{ name: "Allow-Mgmt", priority: 100, ports: ["3389", "5985-5986"], source: "Internet" }],
  },
  "nsg-vm-dev-build-02": {
    subscriptionId: DEV, resourceGroup: "rg-dev-build", location: "eastus",
    rules: [
      { name: "Allow-WinRM-HTTP", priority: 100, ports: "5985", source: "Internet" },
      { name: "Deny-SSH-Internet", priority: 110, ports: "22", source: "Internet", access: "Deny" },
    ],
  },
};

/** Adds subscriptions, resource groups, NSGs and virtual networks; returns subnet ids and NSG ids by name. */
export function buildDemoNetwork(b: EstateBuilder): { subnets: Record<string, string>; nsgs: Record<string, string> } {
  b.subscription(PROD, demoSubscriptions.prod.name).subscription(DEV, demoSubscriptions.dev.name);
  for (const [sub, name, location] of DEMO_RESOURCE_GROUPS) b.resourceGroup(sub, name, location);
  const nsgs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(DEMO_NSGS)) {
    nsgs[name] = b.networkSecurityGroup(spec.subscriptionId, spec.resourceGroup, name, spec.location, spec.rules);
  }
  const nsg = (name: string): string => {
    const id = nsgs[name];
    if (!id) throw new Error(`Seed error: unknown NSG ${name}`);
    return id;
  };
  const subnets = {
    ...b.virtualNetwork(PROD, "rg-net-prod", "vnet-prod-weu", "westeurope", ["10.10.0.0/16", "fd00:10:10::/48"], [
      { name: "snet-web", addressPrefixes: ["10.10.1.0/24", "fd00:10:10:1::/64"], nsgId: nsg("nsg-snet-web") },
      { name: "snet-app", addressPrefixes: ["10.10.2.0/24"] },
      { name: "snet-data", addressPrefixes: ["10.10.3.0/24"], nsgId: nsg("nsg-snet-data") },
      { name: "snet-mgmt", addressPrefixes: ["10.10.4.0/24"], nsgId: nsg("nsg-snet-mgmt") },
    ]),
    ...b.virtualNetwork(PROD, "rg-net-prod", "vnet-prod-neu", "northeurope", ["10.20.0.0/16"], [
      { name: "snet-dr", addressPrefixes: ["10.20.1.0/24"] },
    ]),
    ...b.virtualNetwork(DEV, "rg-dev-net", "vnet-dev-eus", "eastus", ["10.30.0.0/16"], [
      { name: "snet-dev-apps", addressPrefixes: ["10.30.1.0/24"], nsgId: nsg("nsg-snet-dev-apps") },
      { name: "snet-dev-sandbox", addressPrefixes: ["10.30.2.0/24"] },
      { name: "snet-dev-build", addressPrefixes: ["10.30.3.0/24"], nsgId: nsg("nsg-snet-dev-build") },
    ]),
  };
  return { subnets, nsgs };
}
