import { isRestError } from "@azure/arm-network";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../emulator.ts";
import { demoExpectations } from "../seed/demo.ts";
import { DEV, PROD } from "../test-support/estate-paths.ts";
import { type SdkClients, collectPages, sdkClients } from "../test-support/sdk-clients.ts";
import type { RunningEmulator } from "../types.ts";

let emulator: RunningEmulator;
let prod: SdkClients;
let dev: SdkClients;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: null, writeLatencyMs: 20 });
  prod = sdkClients(emulator, PROD);
  dev = sdkClients(emulator, DEV);
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.control.reset({ kind: "demo" });
  emulator.control.setConfig({ pageSize: 100 });
});

async function rejection(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (isRestError(err)) return { statusCode: err.statusCode, code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("subscriptions", () => {
  it("lists both demo subscriptions and gets one by id", async () => {
    const { items } = await collectPages(prod.subscriptions.subscriptions.list());
    expect(items.map((s) => s.displayName).sort()).toEqual(["Contoso-Dev", "Contoso-Prod"]);
    const one = await prod.subscriptions.subscriptions.get(DEV);
    expect(one).toMatchObject({ subscriptionId: DEV, displayName: "Contoso-Dev", state: "Enabled" });
  });

  it("answers SubscriptionNotFound for an unknown subscription", async () => {
    const err = await rejection(prod.subscriptions.subscriptions.get("11111111-2222-4333-8444-555555555555"));
    expect(err).toMatchObject({ statusCode: 404, code: "SubscriptionNotFound" });
  });
});

describe("paging", () => {
  it("when the page size is small, the SDK follows nextLink through every page of VMs", async () => {
    emulator.control.setConfig({ pageSize: 4 });
    const prodVms = await collectPages(prod.compute.virtualMachines.listAll());
    const devVms = await collectPages(dev.compute.virtualMachines.listAll());
    expect(prodVms.items.length + devVms.items.length).toBe(demoExpectations.virtualMachines);
    expect(prodVms.pages).toBe(Math.ceil(prodVms.items.length / 4));
    expect(new Set(prodVms.items.map((v) => v.id)).size).toBe(prodVms.items.length);
  });

  it.each([
    ["network interfaces", 3, (c: SdkClients) => c.network.networkInterfaces.listAll(), demoExpectations.networkInterfaces],
    ["NSGs", 3, (c: SdkClients) => c.network.networkSecurityGroups.listAll(), demoExpectations.networkSecurityGroups],
    ["virtual networks", 1, (c: SdkClients) => c.network.virtualNetworks.listAll(), demoExpectations.virtualNetworks],
  ])("lists all %s across pages of %i", async (_name, pageSize, list, expected) => {
    emulator.control.setConfig({ pageSize });
    const a = await collectPages(list(prod));
    const b = await collectPages(list(dev));
    expect(a.items.length + b.items.length).toBe(expected);
    expect(a.pages).toBeGreaterThan(1);
  });
});

describe("compute", () => {
  it("gets a VM with its size, OS type, NICs and no scale set", async () => {
    const vm = await prod.compute.virtualMachines.get("rg-app-prod", "vm-prod-app-02");
    expect(vm.hardwareProfile?.vmSize).toBe("Standard_D4s_v5");
    expect(vm.storageProfile?.osDisk?.osType).toBe("Linux");
    expect(vm.networkProfile?.networkInterfaces?.map((n) => n.id?.split("/").pop())).toEqual(["nic-vm-prod-app-02-a", "nic-vm-prod-app-02-b"]);
    expect(vm.virtualMachineScaleSet).toBeUndefined();
  });

  it("shows flexible scale-set instances as ordinary VMs pointing at their scale set", async () => {
    const { items } = await collectPages(prod.compute.virtualMachines.list("rg-web-prod"));
    const instances = items.filter((v) => v.virtualMachineScaleSet?.id);
    expect(instances).toHaveLength(demoExpectations.scaleSetInstances);
    const vmss = await prod.compute.virtualMachineScaleSets.get("rg-web-prod", "vmss-prod-web");
    expect(vmss.orchestrationMode).toBe("Flexible");
    expect(instances.every((v) => v.virtualMachineScaleSet?.id?.toLowerCase() === vmss.id?.toLowerCase())).toBe(true);
    const listed = await collectPages(prod.compute.virtualMachineScaleSets.listAll());
    const inGroup = await collectPages(prod.compute.virtualMachineScaleSets.list("rg-web-prod"));
    expect(listed.items.map((s) => s.name)).toEqual(["vmss-prod-web"]);
    expect(inGroup.items).toHaveLength(1);
  });

  it("filters VMs by scale set like ARM's $filter", async () => {
    const vmssId = `/subscriptions/${PROD}/resourceGroups/rg-web-prod/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-prod-web`;
    const { items } = await collectPages(prod.compute.virtualMachines.listAll({ filter: `virtualMachineScaleSet/id eq '${vmssId}'` }));
    expect(items.map((v) => v.name)).toHaveLength(3);
  });
});

describe("network", () => {
  it("gets a NIC with its subnet, NSG and an IPv6 private address", async () => {
    const nic = await prod.network.networkInterfaces.get("rg-web-prod", "nic-vm-prod-web-01");
    expect(nic.networkSecurityGroup?.id).toMatch(/networkSecurityGroups\/nsg-vm-prod-web-01$/);
    expect(nic.virtualMachine?.id).toMatch(/virtualMachines\/vm-prod-web-01$/);
    const ipcs = nic.ipConfigurations ?? [];
    expect(ipcs.map((i) => [i.privateIPAddressVersion, i.privateIPAddress])).toEqual([
      ["IPv4", "10.10.1.4"],
      ["IPv6", "fd00:10:10:1::4"],
    ]);
    expect(ipcs.every((i) => i.subnet?.id?.endsWith("/subnets/snet-web"))).toBe(true);
  });

  it("lists NICs of a resource group", async () => {
    const { items } = await collectPages(prod.network.networkInterfaces.list("rg-app-prod"));
    expect(items.map((n) => n.name).sort()).toEqual(["nic-vm-prod-app-01", "nic-vm-prod-app-02-a", "nic-vm-prod-app-02-b", "nic-vm-prod-app-03", "nic-vm-prod-app-04", "nic-vm-prod-app-05"]);
  });

  it("embeds subnets in virtual networks and serves them alone, with NSG and ip configuration references", async () => {
    const vnet = await prod.network.virtualNetworks.get("rg-net-prod", "vnet-prod-weu");
    expect(vnet.addressSpace?.addressPrefixes).toEqual(["10.10.0.0/16", "fd00:10:10::/48"]);
    expect(vnet.subnets?.map((s) => s.name)).toEqual(["snet-web", "snet-app", "snet-data", "snet-mgmt"]);
    const subnet = await prod.network.subnets.get("rg-net-prod", "vnet-prod-weu", "snet-mgmt");
    expect(subnet.addressPrefix).toBe("10.10.4.0/24");
    expect(subnet.networkSecurityGroup?.id).toMatch(/nsg-snet-mgmt$/);
    expect(subnet.ipConfigurations).toHaveLength(2);
    const { items } = await collectPages(prod.network.subnets.list("rg-net-prod", "vnet-prod-weu"));
    expect(items).toHaveLength(4);
    const inGroup = await collectPages(prod.network.virtualNetworks.list("rg-net-prod"));
    expect(inGroup.items.map((v) => v.name).sort()).toEqual(["vnet-prod-neu", "vnet-prod-weu"]);
  });

  it("shows which NICs and subnets use an NSG", async () => {
    const subnetNsg = await prod.network.networkSecurityGroups.get("rg-net-prod", "nsg-snet-web");
    expect(subnetNsg.subnets?.map((s) => s.id?.split("/").pop())).toEqual(["snet-web"]);
    expect(subnetNsg.networkInterfaces).toBeUndefined();
    const nicNsg = await prod.network.networkSecurityGroups.get("rg-web-prod", "nsg-vm-prod-web-02");
    expect(nicNsg.networkInterfaces?.map((n) => n.id?.split("/").pop())).toEqual(["nic-vm-prod-web-02"]);
    expect(nicNsg.etag).toMatch(/^W\/"[0-9a-f-]{36}"$/);
    expect(nicNsg.securityRules?.map((r) => [r.name, r.priority, r.etag === nicNsg.etag])).toEqual([
      ["Allow-HTTPS", 100, true],
      ["Allow-SSH", 110, true],
    ]);
  });

  it("lists NSGs of a resource group and the rules of one NSG", async () => {
    const nsgs = await collectPages(dev.network.networkSecurityGroups.list("rg-dev-net"));
    expect(nsgs.items.map((n) => n.name).sort()).toEqual(["nsg-snet-dev-apps", "nsg-snet-dev-build"]);
    const rules = await collectPages(dev.network.securityRules.list("rg-dev-net", "nsg-snet-dev-apps"));
    expect(rules.items.find((r) => r.name === "Allow-Web")?.destinationPortRanges).toEqual(["80", "443"]);
    const one = await dev.network.securityRules.get("rg-dev-net", "nsg-snet-dev-apps", "Allow-SSH-Office");
    expect(one).toMatchObject({ priority: 100, sourceAddressPrefix: "198.51.100.0/24", access: "Allow", direction: "Inbound", provisioningState: "Succeeded" });
  });

  it("serves ARM's six read-only default rules on every NSG", async () => {
    const { items } = await collectPages(prod.network.defaultSecurityRules.list("rg-net-prod", "nsg-legacy-unused"));
    expect(items.map((r) => [r.name, r.priority, r.direction, r.access])).toEqual([
      ["AllowVnetInBound", 65000, "Inbound", "Allow"],
      ["AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow"],
      ["DenyAllInBound", 65500, "Inbound", "Deny"],
      ["AllowVnetOutBound", 65000, "Outbound", "Allow"],
      ["AllowInternetOutBound", 65001, "Outbound", "Allow"],
      ["DenyAllOutBound", 65500, "Outbound", "Deny"],
    ]);
    const deny = await prod.network.defaultSecurityRules.get("rg-net-prod", "nsg-legacy-unused", "DenyAllInBound");
    expect(deny).toMatchObject({ sourceAddressPrefix: "*", destinationPortRange: "*", protocol: "*" });
  });

  it("treats ids case-insensitively", async () => {
    const nsg = await prod.network.networkSecurityGroups.get("RG-WEB-PROD", "NSG-VM-PROD-WEB-02");
    expect(nsg.name).toBe("nsg-vm-prod-web-02");
    const rule = await prod.network.securityRules.get("rg-web-prod", "nsg-vm-prod-web-02", "allow-ssh");
    expect(rule.name).toBe("Allow-SSH");
  });
});

describe("not found", () => {
  it.each([
    ["an unknown NSG", () => prod.network.networkSecurityGroups.get("rg-web-prod", "nsg-missing"), "ResourceNotFound"],
    ["an unknown rule", () => prod.network.securityRules.get("rg-web-prod", "nsg-vm-prod-web-02", "missing"), "ResourceNotFound"],
    ["an unknown VM", () => prod.compute.virtualMachines.get("rg-web-prod", "vm-missing"), "ResourceNotFound"],
    ["an unknown resource group", () => prod.network.networkSecurityGroups.get("rg-missing", "nsg-snet-web"), "ResourceGroupNotFound"],
    ["an unknown subscription", () => sdkClients(emulator, "11111111-2222-4333-8444-555555555555").network.networkSecurityGroups.get("rg-web-prod", "x"), "SubscriptionNotFound"],
  ])("answers 404 for %s", async (_name, call, code) => {
    expect(await rejection(call())).toMatchObject({ statusCode: 404, code });
  });

  it("names the resource in ARM's ResourceNotFound message", async () => {
    const err = await rejection(prod.network.networkSecurityGroups.get("rg-web-prod", "nsg-missing"));
    expect(err.message).toBe(
      "The Resource 'Microsoft.Network/networkSecurityGroups/nsg-missing' under resource group 'rg-web-prod' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
    );
  });
});
