import { describe, expect, it } from "vitest";
import type { Nsg, NsgRule } from "../nsg/types.ts";
import { nsg, rule } from "../test-support/fixtures.ts";
import { nic, nicId, snapshot, subnet, subnetId, vm, vnetId } from "../test-support/snapshot.ts";
import type { InventoryNic, InventorySubnet, InventoryVm } from "./types.ts";
import { classifyVms } from "./classify.ts";

/*
 * A synthetic estate the size the BFF must handle on every refresh: 10,000 VMs,
 * 1,000 subnets in 50 VNets, 2,000 NSGs (900 on subnets, 1,100 on NICs). The
 * expected tab of each VM follows from its index by the arithmetic below.
 */
const vmCount = 10_000;
const subnetCount = 1_000;
const nicNsgCount = 1_100;

const subnetHasNsg = (s: number) => s % 10 !== 0;
/** Subnet NSGs with index ending in 5 keep only the default rules, so they admit no Internet traffic. */
const subnetAdmitsSsh = (s: number) => s % 10 !== 5;
const nicNsgIndex = (i: number) => (i % 3 === 0 ? null : i % nicNsgCount);
const nicNsgAdmitsSsh = (k: number) => k % 2 === 0;

function noiseRules(seed: number): NsgRule[] {
  return [
    rule({ name: "deny-telnet", priority: 110, access: "Deny", destinationPortRanges: ["23"] }),
    rule({ name: "allow-office-rdp", priority: 120, sourceAddressPrefixes: [`203.0.${seed % 250}.0/24`, "198.51.100.0/24"], destinationPortRanges: ["3389"] }),
    rule({ name: "allow-web", priority: 130, destinationPortRanges: ["80", "443"] }),
    rule({ name: "allow-v6-office", priority: 140, sourceAddressPrefixes: ["2a01:111::/32"], destinationPortRanges: ["22", "5985-5986"] }),
    rule({ name: "allow-app", priority: 150, protocol: "*", sourceAddressPrefixes: ["VirtualNetwork"], destinationPortRanges: ["8000-9000"] }),
    rule({ name: "deny-smb", priority: 160, access: "Deny", protocol: "*", destinationPortRanges: ["445", "139"] }),
    rule({ name: "allow-udp-dns", priority: 170, protocol: "Udp", destinationPortRanges: ["53"] }),
    rule({ name: "allow-lb", priority: 180, sourceAddressPrefixes: ["AzureLoadBalancer"], destinationPortRanges: ["*"] }),
  ];
}

function buildEstate() {
  const nsgs: Nsg[] = [];
  for (let s = 0; s < subnetCount; s++) {
    if (!subnetHasNsg(s)) continue;
    const rules = subnetAdmitsSsh(s) ? [...noiseRules(s), rule({ name: "allow-mgmt-internet", priority: 4000, sourceAddressPrefixes: ["Internet"], destinationPortRanges: ["22"] })] : [];
    nsgs.push(nsg(`nsg-snet-${s}`, rules));
  }
  for (let k = 0; k < nicNsgCount; k++) {
    const rules = nicNsgAdmitsSsh(k) ? [...noiseRules(k), rule({ name: "allow-ssh-any", priority: 300 })] : noiseRules(k);
    nsgs.push(nsg(`nsg-nic-${k}`, rules));
  }
  const subnets: InventorySubnet[] = [];
  for (let s = 0; s < subnetCount; s++) {
    const v = s % 50;
    subnets.push(
      subnet(`vnet-${v}`, `snet-${s}`, {
        addressPrefixes: [`10.${v}.${Math.floor(s / 50)}.0/24`],
        nsgId: subnetHasNsg(s) ? nsg(`nsg-snet-${s}`, []).id : null,
      }),
    );
  }
  const vms: InventoryVm[] = [];
  const nics: InventoryNic[] = [];
  for (let i = 0; i < vmCount; i++) {
    const s = i % subnetCount;
    const v = s % 50;
    const host = Math.floor(i / subnetCount) + 4;
    const k = nicNsgIndex(i);
    const ips = [`10.${v}.${Math.floor(s / 50)}.${host}`, ...(i % 10 === 0 ? [`10.${v}.${Math.floor(s / 50)}.${host + 100}`] : [])];
    nics.push(nic(`vm-${i}-nic`, { privateIps: ips, subnetIds: [subnetId(`vnet-${v}`, `snet-${s}`)], nsgId: k === null ? null : nsg(`nsg-nic-${k}`, []).id }));
    vms.push(vm(`vm-${i}`, { nicIds: [nicId(`vm-${i}-nic`)], classic: i % 500 === 1, scaleSetId: i % 500 === 2 ? "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss" : null }));
  }
  const vnets = Array.from({ length: 50 }, (_, v): [string, string[]] => [vnetId(`vnet-${v}`), [`10.${v}.0.0/16`]]);
  return snapshot({ vms, nics, subnets, nsgs, vnets });
}

function expectedFor(i: number): { tab: string; exposedBy: string | null } {
  if (i % 7 === 0) return { tab: "configured", exposedBy: null };
  // Classic VMs have no recommendation; flexible scale-set instances (i % 500 === 2) are judged as the VMs they are.
  if (i % 500 === 1) return { tab: "none", exposedBy: null };
  const s = i % subnetCount;
  const k = nicNsgIndex(i);
  if (k === null && !subnetHasNsg(s)) return { tab: "none", exposedBy: null };
  const subnetOpen = !subnetHasNsg(s) || subnetAdmitsSsh(s);
  const nicOpen = k === null || nicNsgAdmitsSsh(k);
  if (!subnetOpen || !nicOpen) return { tab: "recommended", exposedBy: null };
  return { tab: "recommended", exposedBy: k === null ? `allow-mgmt-internet (priority 4000) in nsg-snet-${s}` : `allow-ssh-any (priority 300) in nsg-nic-${k}` };
}

describe("classifyVms at estate scale", () => {
  it("classifies 10,000 VMs behind 2,000 NSGs, each into the tab its network implies", () => {
    const estate = buildEstate();
    expect(estate.nsgs.size).toBe(2_000);
    const configured = new Set(estate.vms.filter((_, i) => i % 7 === 0).map((v) => v.id.toLowerCase()));

    const summaries = classifyVms(estate, configured);

    expect(summaries).toHaveLength(vmCount);
    const counts = { configured: 0, recommended: 0, none: 0 };
    summaries.forEach((summary, i) => {
      const expected = expectedFor(i);
      counts[summary.tab]++;
      expect(summary.tab, summary.name).toBe(expected.tab);
      if (expected.tab === "recommended") {
        const reason = expected.exposedBy === null ? "Has a network security group and no JIT policy; no management port is open to the Internet today" : `22 (SSH) open to the Internet by rule ${expected.exposedBy}`;
        expect(summary.reason, summary.name).toBe(reason);
      }
    });
    const expectedCounts = { configured: 0, recommended: 0, none: 0 };
    for (let i = 0; i < vmCount; i++) expectedCounts[expectedFor(i).tab as keyof typeof expectedCounts]++;
    expect(counts).toEqual(expectedCounts);
    expect(counts.recommended).toBeGreaterThan(5_000);
    expect(counts.none).toBeGreaterThan(300);
  });
});
