/**
 * The demo estate: deterministic (fixed ids and names), 2 subscriptions, 10 resource groups, 3 locations,
 * 30 VMs. What Portcullis should show for every VM (no JIT policies exist yet, so "Configured" is empty).
 * "Open to the Internet" lists management ports (22, 3389, 5985, 5986) an arbitrary Internet host can
 * reach, with the admitting rule at every NSG layer (subnet NSG first, then NIC NSG).
 *
 * | VM                      | sub  | OS      | NSG on        | Tab               | Open to the Internet (via nsg/rule)                                     |
 * |-------------------------|------|---------|---------------|-------------------|-------------------------------------------------------------------------|
 * | vm-prod-web-01          | prod | Linux   | NIC + subnet  | Recommended       | none (subnet admits 22, NIC NSG does not); has an IPv6 address          |
 * | vm-prod-web-02          | prod | Linux   | NIC + subnet  | Recommended       | 22: nsg-snet-web/Allow-SSH-Legacy + nsg-vm-prod-web-02/Allow-SSH        |
 * | vm-prod-web-03          | prod | Linux   | subnet        | Recommended       | 22: nsg-snet-web/Allow-SSH-Legacy                                       |
 * | vm-prod-web-04          | prod | Windows | subnet        | Recommended       | 22: nsg-snet-web/Allow-SSH-Legacy                                       |
 * | vmss-prod-web_1f3a9c2e  | prod | Linux   | subnet        | Recommended       | 22: nsg-snet-web/Allow-SSH-Legacy (an instance of the flexible vmss-prod-web) |
 * | vmss-prod-web_6b8d0e4f  | prod | Linux   | subnet        | Recommended       | 22: nsg-snet-web/Allow-SSH-Legacy (flexible scale-set instance)         |
 * | vmss-prod-web_a2c4e6f8  | prod | Linux   | subnet        | Recommended       | 22: nsg-snet-web/Allow-SSH-Legacy (flexible scale-set instance)         |
 * | vm-prod-app-01          | prod | Linux   | NIC           | Recommended       | 22: nsg-vm-prod-app-01/Allow-SSH-Any (priority 100)                     |
 * | vm-prod-app-02 (2 NICs) | prod | Linux   | NIC a, subnet b | Recommended     | 22 via its second NIC: nsg-snet-web/Allow-SSH-Legacy (NIC a: office only) |
 * | vm-prod-app-03          | prod | Windows | NIC           | Recommended       | 3389: nsg-vm-prod-app-03/Allow-RDP (0.0.0.0/0)                          |
 * | vm-prod-app-04          | prod | Linux   | none          | No recommendation | reason: no NSG on NIC or subnet                                         |
 * | vm-prod-app-05          | prod | Linux   | NIC           | Recommended       | 22: nsg-vm-prod-app-05/Allow-SSH-Containers (to its prefix ip configuration 10.10.2.240/28; also a public IP) |
 * | vm-prod-sql-01          | prod | Windows | subnet        | Recommended       | none (office CIDR only)                                                 |
 * | vm-prod-sql-02          | prod | Windows | NIC + subnet  | Recommended       | none (NIC admits 5985/5986, subnet does not)                            |
 * | vm-prod-pg-01           | prod | Linux   | subnet        | Recommended       | none (office CIDR only)                                                 |
 * | vm-prod-cache-01        | prod | Linux   | none          | No recommendation | reason: no NSG on NIC or subnet                                         |
 * | vm-prod-jump-01         | prod | Windows | subnet        | Recommended       | 3389: nsg-snet-mgmt/Allow-RDP-Jumpbox (destination 10.10.4.4 only)      |
 * | vm-prod-mon-01          | prod | Linux   | subnet        | Recommended       | none (the jump-box rule targets another IP)                             |
 * | vm-prod-dr-01           | prod | Linux   | none          | No recommendation | reason: no NSG on NIC or subnet                                         |
 * | vm-prod-dr-02           | prod | Windows | NIC           | Recommended       | 3389: nsg-vm-prod-dr-02/Allow-RDP-Any; 5986: .../Allow-WinRM-HTTPS       |
 * | vm-dev-api-01           | dev  | Linux   | subnet        | Recommended       | none (office CIDR only)                                                 |
 * | vm-dev-api-02           | dev  | Linux   | NIC + subnet  | Recommended       | none (NIC admits 22, subnet only from the office)                       |
 * | vm-dev-api-03           | dev  | Linux   | NIC           | Recommended       | none (22 from the office only)                                          |
 * | vm-dev-web-01           | dev  | Windows | NIC + subnet  | Recommended       | none (NIC admits 3389, subnet only from the office)                     |
 * | vm-dev-db-01            | dev  | Linux   | subnet        | Recommended       | none                                                                    |
 * | vm-dev-sbx-01           | dev  | Linux   | NIC           | Recommended       | 22: nsg-vm-dev-sbx-01/Allow-SSH                                         |
 * | vm-dev-sbx-02           | dev  | Windows | NIC           | Recommended       | 3389, 5985, 5986: nsg-vm-dev-sbx-02/Allow-Mgmt                          |
 * | vm-dev-sbx-03           | dev  | Linux   | none          | No recommendation | reason: no NSG on NIC or subnet                                         |
 * | vm-dev-sbx-04           | dev  | Windows | none          | No recommendation | reason: no NSG on NIC or subnet                                         |
 * | vm-dev-build-01         | dev  | Linux   | subnet        | Recommended       | 22, 3389, 5985, 5986: nsg-snet-dev-build/Allow-All-Inbound-Temp          |
 * | vm-dev-build-02         | dev  | Windows | NIC + subnet  | Recommended       | 5985: nsg-snet-dev-build/Allow-All-Inbound-Temp + nsg-vm-dev-build-02/Allow-WinRM-HTTP |
 *
 * Totals: Recommended 26 (16 with a management port open to the Internet), No recommendation 5
 * (without any NSG), Configured 0. One more NSG, nsg-legacy-unused, is attached
 * to nothing.
 */
import { EstateBuilder } from "./builder.ts";
import { DEMO_TENANT_ID, buildDemoNetwork, demoSubscriptions } from "./demo-network.ts";
import type { Estate, OsType } from "../store/types.ts";

export { demoSubscriptions } from "./demo-network.ts";

type Sub = keyof typeof demoSubscriptions;
type Open = [port: number, ...via: string[]];
type Expect = { tab: "Recommended"; open: Open[] } | { tab: "No recommendation"; reason: "no-nsg" };

interface DemoVmRow {
  name: string;
  sub: Sub;
  rg: string;
  location: string;
  os: OsType;
  size: string;
  nics: Array<{ subnet: string; nsg?: string; ipv6?: boolean; ip?: string; prefixes?: string[]; publicIp?: string }>;
  scaleSet?: boolean;
  zone?: string;
  expect: Expect;
}

const REC = (...open: Open[]): Expect => ({ tab: "Recommended", open });
const NO_NSG: Expect = { tab: "No recommendation", reason: "no-nsg" };
/** Flexible scale-set instances are VMs with their own NICs (here behind the subnet NSG only). */
const SCALE_SET: Expect = { tab: "Recommended", open: [[22, "nsg-snet-web/Allow-SSH-Legacy"]] };
const WEU = "westeurope";
const EUS = "eastus";

const ROWS: DemoVmRow[] = [
  { name: "vm-prod-web-01", sub: "prod", rg: "rg-web-prod", location: WEU, os: "Linux", size: "Standard_D2s_v5", zone: "1", nics: [{ subnet: "snet-web", nsg: "nsg-vm-prod-web-01", ipv6: true }], expect: REC() },
  { name: "vm-prod-web-02", sub: "prod", rg: "rg-web-prod", location: WEU, os: "Linux", size: "Standard_D2s_v5", zone: "2", nics: [{ subnet: "snet-web", nsg: "nsg-vm-prod-web-02" }], expect: REC([22, "nsg-snet-web/Allow-SSH-Legacy", "nsg-vm-prod-web-02/Allow-SSH"]) },
  { name: "vm-prod-web-03", sub: "prod", rg: "rg-web-prod", location: WEU, os: "Linux", size: "Standard_D2s_v5", zone: "3", nics: [{ subnet: "snet-web" }], expect: REC([22, "nsg-snet-web/Allow-SSH-Legacy"]) },
  { name: "vm-prod-web-04", sub: "prod", rg: "rg-web-prod", location: WEU, os: "Windows", size: "Standard_D4s_v5", nics: [{ subnet: "snet-web" }], expect: REC([22, "nsg-snet-web/Allow-SSH-Legacy"]) },
  { name: "vmss-prod-web_1f3a9c2e", sub: "prod", rg: "rg-web-prod", location: WEU, os: "Linux", size: "Standard_D2s_v5", scaleSet: true, nics: [{ subnet: "snet-web" }], expect: SCALE_SET },
  { name: "vmss-prod-web_6b8d0e4f", sub: "prod", rg: "rg-web-prod", location: WEU, os: "Linux", size: "Standard_D2s_v5", scaleSet: true, nics: [{ subnet: "snet-web" }], expect: SCALE_SET },
  { name: "vmss-prod-web_a2c4e6f8", sub: "prod", rg: "rg-web-prod", location: WEU, os: "Linux", size: "Standard_D2s_v5", scaleSet: true, nics: [{ subnet: "snet-web" }], expect: SCALE_SET },
  { name: "vm-prod-app-01", sub: "prod", rg: "rg-app-prod", location: WEU, os: "Linux", size: "Standard_D4s_v5", nics: [{ subnet: "snet-app", nsg: "nsg-vm-prod-app-01" }], expect: REC([22, "nsg-vm-prod-app-01/Allow-SSH-Any"]) },
  { name: "vm-prod-app-02", sub: "prod", rg: "rg-app-prod", location: WEU, os: "Linux", size: "Standard_D4s_v5", nics: [{ subnet: "snet-app", nsg: "nsg-vm-prod-app-02" }, { subnet: "snet-web" }], expect: REC([22, "nsg-snet-web/Allow-SSH-Legacy"]) },
  { name: "vm-prod-app-03", sub: "prod", rg: "rg-app-prod", location: WEU, os: "Windows", size: "Standard_D4s_v5", nics: [{ subnet: "snet-app", nsg: "nsg-vm-prod-app-03" }], expect: REC([3389, "nsg-vm-prod-app-03/Allow-RDP"]) },
  { name: "vm-prod-app-04", sub: "prod", rg: "rg-app-prod", location: WEU, os: "Linux", size: "Standard_D2s_v5", nics: [{ subnet: "snet-app" }], expect: NO_NSG },
  { name: "vm-prod-app-05", sub: "prod", rg: "rg-app-prod", location: WEU, os: "Linux", size: "Standard_D4s_v5", nics: [{ subnet: "snet-app", nsg: "nsg-vm-prod-app-05", prefixes: ["10.10.2.240/28"], publicIp: "pip-vm-prod-app-05" }], expect: REC([22, "nsg-vm-prod-app-05/Allow-SSH-Containers"]) },
  { name: "vm-prod-sql-01", sub: "prod", rg: "rg-data-prod", location: WEU, os: "Windows", size: "Standard_E4s_v5", nics: [{ subnet: "snet-data" }], expect: REC() },
  { name: "vm-prod-sql-02", sub: "prod", rg: "rg-data-prod", location: WEU, os: "Windows", size: "Standard_E4s_v5", nics: [{ subnet: "snet-data", nsg: "nsg-vm-prod-sql-02" }], expect: REC() },
  { name: "vm-prod-pg-01", sub: "prod", rg: "rg-data-prod", location: WEU, os: "Linux", size: "Standard_E4s_v5", nics: [{ subnet: "snet-data" }], expect: REC() },
  { name: "vm-prod-cache-01", sub: "prod", rg: "rg-data-prod", location: WEU, os: "Linux", size: "Standard_E2s_v5", nics: [{ subnet: "snet-app" }], expect: NO_NSG },
  { name: "vm-prod-jump-01", sub: "prod", rg: "rg-mgmt-prod", location: WEU, os: "Windows", size: "Standard_B2ms", nics: [{ subnet: "snet-mgmt", ip: "10.10.4.4" }], expect: REC([3389, "nsg-snet-mgmt/Allow-RDP-Jumpbox"]) },
  { name: "vm-prod-mon-01", sub: "prod", rg: "rg-mgmt-prod", location: WEU, os: "Linux", size: "Standard_B2ms", nics: [{ subnet: "snet-mgmt" }], expect: REC() },
  { name: "vm-prod-dr-01", sub: "prod", rg: "rg-dr-prod", location: "northeurope", os: "Linux", size: "Standard_D2s_v5", nics: [{ subnet: "snet-dr" }], expect: NO_NSG },
  { name: "vm-prod-dr-02", sub: "prod", rg: "rg-dr-prod", location: "northeurope", os: "Windows", size: "Standard_D2s_v5", nics: [{ subnet: "snet-dr", nsg: "nsg-vm-prod-dr-02" }], expect: REC([3389, "nsg-vm-prod-dr-02/Allow-RDP-Any"], [5986, "nsg-vm-prod-dr-02/Allow-WinRM-HTTPS"]) },
  { name: "vm-dev-api-01", sub: "dev", rg: "rg-dev-apps", location: EUS, os: "Linux", size: "Standard_B2s", nics: [{ subnet: "snet-dev-apps" }], expect: REC() },
  { name: "vm-dev-api-02", sub: "dev", rg: "rg-dev-apps", location: EUS, os: "Linux", size: "Standard_B2s", nics: [{ subnet: "snet-dev-apps", nsg: "nsg-vm-dev-api-02" }], expect: REC() },
  { name: "vm-dev-api-03", sub: "dev", rg: "rg-dev-apps", location: EUS, os: "Linux", size: "Standard_B2s", nics: [{ subnet: "snet-dev-sandbox", nsg: "nsg-vm-dev-api-03" }], expect: REC() },
  { name: "vm-dev-web-01", sub: "dev", rg: "rg-dev-apps", location: EUS, os: "Windows", size: "Standard_B2ms", nics: [{ subnet: "snet-dev-apps", nsg: "nsg-vm-dev-web-01" }], expect: REC() },
  { name: "vm-dev-db-01", sub: "dev", rg: "rg-dev-apps", location: EUS, os: "Linux", size: "Standard_B2ms", nics: [{ subnet: "snet-dev-apps" }], expect: REC() },
  { name: "vm-dev-sbx-01", sub: "dev", rg: "rg-dev-sandbox", location: EUS, os: "Linux", size: "Standard_B1s", nics: [{ subnet: "snet-dev-sandbox", nsg: "nsg-vm-dev-sbx-01" }], expect: REC([22, "nsg-vm-dev-sbx-01/Allow-SSH"]) },
  { name: "vm-dev-sbx-02", sub: "dev", rg: "rg-dev-sandbox", location: EUS, os: "Windows", size: "Standard_B2s", nics: [{ subnet: "snet-dev-sandbox", nsg: "nsg-vm-dev-sbx-02" }], expect: REC([3389, "nsg-vm-dev-sbx-02/Allow-Mgmt"], [5985, "nsg-vm-dev-sbx-02/Allow-Mgmt"], [5986, "nsg-vm-dev-sbx-02/Allow-Mgmt"]) },
  { name: "vm-dev-sbx-03", sub: "dev", rg: "rg-dev-sandbox", location: EUS, os: "Linux", size: "Standard_B1s", nics: [{ subnet: "snet-dev-sandbox" }], expect: NO_NSG },
  { name: "vm-dev-sbx-04", sub: "dev", rg: "rg-dev-sandbox", location: EUS, os: "Windows", size: "Standard_B2s", nics: [{ subnet: "snet-dev-sandbox" }], expect: NO_NSG },
  { name: "vm-dev-build-01", sub: "dev", rg: "rg-dev-build", location: EUS, os: "Linux", size: "Standard_D4s_v5", nics: [{ subnet: "snet-dev-build" }], expect: REC(...[22, 3389, 5985, 5986].map((p): Open => [p, "nsg-snet-dev-build/Allow-All-Inbound-Temp"])) },
  { name: "vm-dev-build-02", sub: "dev", rg: "rg-dev-build", location: EUS, os: "Windows", size: "Standard_D4s_v5", nics: [{ subnet: "snet-dev-build", nsg: "nsg-vm-dev-build-02" }], expect: REC([5985, "nsg-snet-dev-build/Allow-All-Inbound-Temp", "nsg-vm-dev-build-02/Allow-WinRM-HTTP"]) },
];

export interface DemoVmExpectation {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  osType: OsType;
  tab: "Recommended" | "No recommendation";
  /** Set for "No recommendation". */
  reason: "no-nsg" | null;
  /** Management ports open to an arbitrary Internet host, with every admitting rule as "nsg/rule". */
  openToInternet: Array<{ port: number; via: string[] }>;
}

export const demoExpectations = {
  subscriptions: 2,
  resourceGroups: 10,
  locations: 3,
  virtualMachines: 31,
  scaleSets: 1,
  scaleSetInstances: 3,
  networkInterfaces: 32,
  virtualNetworks: 3,
  subnets: 8,
  networkSecurityGroups: 20,
  securityRules: 33,
  tabs: { configured: 0, recommended: 26, noRecommendation: 5 },
  noRecommendation: { noNsg: 5 },
  vmsOpenToInternet: 16,
  vms: ROWS.map((row): DemoVmExpectation => ({
    name: row.name,
    subscriptionId: demoSubscriptions[row.sub].id,
    resourceGroup: row.rg,
    osType: row.os,
    tab: row.expect.tab,
    reason: row.expect.tab === "No recommendation" ? row.expect.reason : null,
    openToInternet: row.expect.tab === "Recommended" ? row.expect.open.map(([port, ...via]) => ({ port, via })) : [],
  })),
} as const;

/** Builds the demo estate (the same every time). */
export function demoEstate(): Estate {
  const b = new EstateBuilder("portcullis-demo", DEMO_TENANT_ID);
  const { subnets, nsgs } = buildDemoNetwork(b);
  const lookup = (table: Record<string, string>, name: string): string => {
    const id = table[name];
    if (!id) throw new Error(`Seed error: unknown ${name}`);
    return id;
  };
  const scaleSet = b.flexibleScaleSet(demoSubscriptions.prod.id, "rg-web-prod", "vmss-prod-web", WEU, "Standard_D2s_v5", 3);
  for (const row of ROWS) {
    b.virtualMachine({
      subscriptionId: demoSubscriptions[row.sub].id,
      resourceGroup: row.rg,
      name: row.name,
      location: row.location,
      os: row.os,
      size: row.size,
      ...(row.zone ? { zone: row.zone } : {}),
      ...(row.scaleSet ? { scaleSetId: scaleSet } : {}),
      tags: { environment: row.sub === "prod" ? "production" : "development", owner: "contoso-platform" },
      nics: row.nics.map((nic, i) => ({
        name: row.nics.length > 1 ? `nic-${row.name}-${String.fromCharCode(97 + i)}` : `nic-${row.name}`,
        subnetId: lookup(subnets, nic.subnet),
        nsgId: nic.nsg ? lookup(nsgs, nic.nsg) : null,
        ...(nic.ipv6 ? { ipv6: true } : {}),
        ...(nic.ip ? { ip: nic.ip } : {}),
        ...(nic.prefixes ? { prefixes: nic.prefixes } : {}),
        ...(nic.publicIp ? { publicIpName: nic.publicIp } : {}),
      })),
    });
  }
  return b.build();
}
