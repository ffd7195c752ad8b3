import type { NetworkInterface, NetworkSecurityGroup, SecurityRule, Subnet, VirtualNetwork } from "@azure/arm-network";
import type { VirtualMachine } from "@azure/arm-compute";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../emulator.ts";
import { type RuleView, openPorts } from "../test-support/exposure.ts";
import { collectPages, sdkClients } from "../test-support/sdk-clients.ts";
import type { RunningEmulator } from "../types.ts";
import { type DemoVmExpectation, demoEstate, demoExpectations, demoSubscriptions } from "./demo.ts";

interface Inventory {
  vms: Array<VirtualMachine & { subscriptionId: string }>;
  nics: Map<string, NetworkInterface>;
  subnets: Map<string, { subnet: Subnet; vnet: VirtualNetwork }>;
  nsgs: Map<string, NetworkSecurityGroup>;
}

let emulator: RunningEmulator;
let inventory: Inventory;

const key = (id: string | undefined): string => (id ?? "").toLowerCase();

/** Reads the whole demo estate through the SDKs, as the BFF's inventory would. */
async function readInventory(): Promise<Inventory> {
  const inv: Inventory = { vms: [], nics: new Map(), subnets: new Map(), nsgs: new Map() };
  for (const { id: subscriptionId } of Object.values(demoSubscriptions)) {
    const sdk = sdkClients(emulator, subscriptionId);
    for (const vm of (await collectPages(sdk.compute.virtualMachines.listAll())).items) inv.vms.push({ ...vm, subscriptionId });
    for (const nic of (await collectPages(sdk.network.networkInterfaces.listAll())).items) inv.nics.set(key(nic.id), nic);
    for (const vnet of (await collectPages(sdk.network.virtualNetworks.listAll())).items) {
      for (const subnet of vnet.subnets ?? []) inv.subnets.set(key(subnet.id), { subnet, vnet });
    }
    for (const nsg of (await collectPages(sdk.network.networkSecurityGroups.listAll())).items) inv.nsgs.set(key(nsg.id), nsg);
  }
  return inv;
}

function rulesOf(nsg: NetworkSecurityGroup): RuleView[] {
  const view = (r: SecurityRule): RuleView => ({
    nsg: nsg.name ?? "",
    name: r.name ?? "",
    priority: r.priority ?? 0,
    direction: r.direction ?? "",
    access: r.access ?? "",
    protocol: r.protocol ?? "",
    sources: r.sourceAddressPrefix ? [r.sourceAddressPrefix] : (r.sourceAddressPrefixes ?? []),
    destinations: r.destinationAddressPrefix ? [r.destinationAddressPrefix] : (r.destinationAddressPrefixes ?? []),
    ports: r.destinationPortRange ? [r.destinationPortRange] : (r.destinationPortRanges ?? []),
  });
  return [...(nsg.securityRules ?? []), ...(nsg.defaultSecurityRules ?? [])].map(view);
}

/** What Portcullis should show for a VM, derived from the served ARM data. */
function observe(inv: Inventory, vm: Inventory["vms"][number]): DemoVmExpectation {
  const open = new Map<number, string[]>();
  let hasNsg = false;
  for (const nicRef of vm.networkProfile?.networkInterfaces ?? []) {
    const nic = inv.nics.get(key(nicRef.id));
    for (const ipc of nic?.ipConfigurations ?? []) {
      const placed = inv.subnets.get(key(ipc.subnet?.id));
      const layers = [placed?.subnet.networkSecurityGroup?.id, nic?.networkSecurityGroup?.id]
        .filter((id): id is string => id !== undefined)
        .map((id) => rulesOf(inv.nsgs.get(key(id)) ?? {}));
      hasNsg ||= layers.length > 0;
      for (const [port, via] of openPorts(layers, ipc.privateIPAddress ?? "", placed?.vnet.addressSpace?.addressPrefixes ?? [])) {
        open.set(port, [...new Set([...(open.get(port) ?? []), ...via])]);
      }
    }
  }
  // Flexible scale-set instances are VMs like any other.
  const tab = hasNsg ? "Recommended" : "No recommendation";
  return {
    name: vm.name ?? "",
    subscriptionId: vm.subscriptionId,
    resourceGroup: vm.id?.split("/")[4] ?? "",
    osType: vm.storageProfile?.osDisk?.osType === "Windows" ? "Windows" : "Linux",
    tab,
    reason: tab === "Recommended" ? null : "no-nsg",
    openToInternet: tab === "Recommended" ? [...open].sort(([a], [b]) => a - b).map(([port, via]) => ({ port, via })) : [],
  };
}

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: null, seed: { kind: "demo" }, pageSize: 10 });
  inventory = await readInventory();
});
afterAll(() => emulator.stop());

describe("demo estate", () => {
  it("serves the counts in demoExpectations", () => {
    const summary = emulator.control.estateSummary();
    expect(summary).toMatchObject({
      subscriptions: demoExpectations.subscriptions,
      resourceGroups: demoExpectations.resourceGroups,
      virtualMachines: demoExpectations.virtualMachines,
      scaleSets: demoExpectations.scaleSets,
      networkInterfaces: demoExpectations.networkInterfaces,
      virtualNetworks: demoExpectations.virtualNetworks,
      subnets: demoExpectations.subnets,
      networkSecurityGroups: demoExpectations.networkSecurityGroups,
      securityRules: demoExpectations.securityRules,
    });
    expect(inventory.vms).toHaveLength(demoExpectations.virtualMachines);
    expect(inventory.nics.size).toBe(demoExpectations.networkInterfaces);
    expect(inventory.nsgs.size).toBe(demoExpectations.networkSecurityGroups);
    expect(new Set(inventory.vms.map((v) => v.location)).size).toBe(demoExpectations.locations);
  });

  it("matches the table of what Portcullis should show, VM by VM", () => {
    const observed = inventory.vms.map((vm) => observe(inventory, vm)).sort((a, b) => a.name.localeCompare(b.name));
    const expected = [...demoExpectations.vms].sort((a, b) => a.name.localeCompare(b.name));
    expect(observed).toEqual(expected);
  });

  it("adds up to the tab and reason totals", () => {
    const rows = demoExpectations.vms;
    expect(rows.filter((r) => r.tab === "Recommended")).toHaveLength(demoExpectations.tabs.recommended);
    expect(rows.filter((r) => r.tab === "No recommendation")).toHaveLength(demoExpectations.tabs.noRecommendation);
    expect(rows.filter((r) => r.reason === "no-nsg")).toHaveLength(demoExpectations.noRecommendation.noNsg);
    expect(rows.filter((r) => r.name.startsWith("vmss-") && r.tab === "Recommended")).toHaveLength(demoExpectations.scaleSetInstances);
    expect(rows.filter((r) => r.openToInternet.length > 0)).toHaveLength(demoExpectations.vmsOpenToInternet);
  });

  it("has the situations JIT must handle", () => {
    const nicOf = (vm: VirtualMachine) => (vm.networkProfile?.networkInterfaces ?? []).map((n) => inventory.nics.get(key(n.id)));
    const subnetNsg = (nic: NetworkInterface | undefined) => nic?.ipConfigurations?.some((i) => inventory.subnets.get(key(i.subnet?.id))?.subnet.networkSecurityGroup);
    const both = inventory.vms.filter((vm) => nicOf(vm).some((nic) => nic?.networkSecurityGroup && subnetNsg(nic)));
    expect(both.map((v) => v.name)).toContain("vm-prod-web-02");
    expect(inventory.vms.filter((vm) => (vm.networkProfile?.networkInterfaces ?? []).length > 1).map((v) => v.name)).toEqual(["vm-prod-app-02"]);
    const ipv6 = [...inventory.nics.values()].filter((nic) => nic.ipConfigurations?.some((i) => i.privateIPAddressVersion === "IPv6"));
    expect(ipv6.length).toBeGreaterThan(0);
    const lowPriorityAdmits = [...inventory.nsgs.values()].flatMap((n) => n.securityRules ?? []).filter((r) => (r.priority ?? 0) <= 110 && ["22", "3389"].includes(r.destinationPortRange ?? "") && ["*", "Internet", "0.0.0.0/0"].includes(r.sourceAddressPrefix ?? ""));
    expect(lowPriorityAdmits.length).toBeGreaterThan(2);
    const officeOnly = [...inventory.nsgs.values()].flatMap((n) => n.securityRules ?? []).filter((r) => r.sourceAddressPrefix === "203.0.113.0/24");
    expect(officeOnly.length).toBeGreaterThan(0);
  });

  it("is the same every time it is built", () => {
    expect(JSON.stringify(demoEstate())).toBe(JSON.stringify(demoEstate()));
  });
});
