import { describe, expect, it } from "vitest";
import { nsg, rule } from "../test-support/fixtures.ts";
import { nic, nicId, snapshot, subnet, subnetId, vm, vmId, vnetId } from "../test-support/snapshot.ts";
import type { SnapshotParts } from "../test-support/snapshot.ts";
import { classifyVms } from "./classify.ts";

const web = nsg("nsg-web", [rule({ name: "allow-ssh-any", priority: 300 })]);
const quiet = nsg("nsg-quiet", [rule({ name: "allow-office", priority: 200, sourceAddressPrefixes: ["203.0.113.0/24"] })]);
const bareSubnet = subnet("vnet-app", "snet-app");
const guardedSubnet = subnet("vnet-app", "snet-app", { nsgId: quiet.id });

interface Case {
  when: string;
  parts: SnapshotParts;
  configured?: boolean;
  tab: "configured" | "recommended" | "none";
  reason: string;
}

const cases: Case[] = [
  {
    when: "the VM has a JIT policy",
    parts: { vms: [vm("vm1")], nics: [nic("vm1-nic", { nsgId: web.id })], subnets: [bareSubnet], nsgs: [web] },
    configured: true,
    tab: "configured",
    reason: "JIT policy configured",
  },
  {
    when: "the VM is classic",
    parts: { vms: [vm("vm1", { classic: true })], nics: [nic("vm1-nic", { nsgId: web.id })], subnets: [bareSubnet], nsgs: [web] },
    tab: "none",
    reason: "Classic virtual machine: JIT needs an Azure Resource Manager VM",
  },
  {
    when: "the VM is a flexible scale set instance (a VM with its own NIC)",
    parts: { vms: [vm("vm1", { scaleSetId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss" })], nics: [nic("vm1-nic", { nsgId: web.id })], subnets: [bareSubnet], nsgs: [web] },
    tab: "recommended",
    reason: "22 (SSH) open to the Internet by rule allow-ssh-any (priority 300) in nsg-web",
  },
  {
    when: "neither its NIC nor its subnet has an NSG",
    parts: { vms: [vm("vm1")], nics: [nic("vm1-nic")], subnets: [bareSubnet], nsgs: [] },
    tab: "none",
    reason: "No network security group on its network interface or subnet",
  },
  {
    when: "one of its two NICs has no NSG on it or its subnet",
    parts: { vms: [vm("vm1", { nicIds: [nicId("nic-a"), nicId("nic-b")] })], nics: [nic("nic-a", { nsgId: web.id }), nic("nic-b")], subnets: [bareSubnet], nsgs: [web] },
    tab: "none",
    reason: "No network security group on network interface nic-b or its subnet",
  },
  {
    when: "none of its three NICs has an NSG",
    parts: { vms: [vm("vm1", { nicIds: [nicId("nic-a"), nicId("nic-b"), nicId("nic-c")] })], nics: [nic("nic-a"), nic("nic-b"), nic("nic-c")], subnets: [bareSubnet], nsgs: [] },
    tab: "none",
    reason: "No network security group on network interfaces nic-a, nic-b, nic-c or their subnets",
  },
  {
    when: "none of its NICs is in the inventory",
    parts: { vms: [vm("vm1", { nicIds: [nicId("gone")] })], nics: [], subnets: [bareSubnet], nsgs: [] },
    tab: "none",
    reason: "No network interface found for this virtual machine",
  },
  {
    when: "its subnet has an NSG that admits no Internet host",
    parts: { vms: [vm("vm1")], nics: [nic("vm1-nic")], subnets: [guardedSubnet], nsgs: [quiet] },
    tab: "recommended",
    reason: "Has a network security group and no JIT policy; no management port is open to the Internet today",
  },
  {
    when: "its NIC's NSG opens SSH to the Internet",
    parts: { vms: [vm("vm1")], nics: [nic("vm1-nic", { nsgId: web.id })], subnets: [bareSubnet], nsgs: [web] },
    tab: "recommended",
    reason: "22 (SSH) open to the Internet by rule allow-ssh-any (priority 300) in nsg-web",
  },
  {
    when: "its NSG opens RDP and WinRM to the Internet",
    parts: {
      vms: [vm("vm1", { osType: "Windows" })],
      nics: [nic("vm1-nic", { nsgId: nsg("nsg-win", []).id })],
      subnets: [bareSubnet],
      nsgs: [nsg("nsg-win", [rule({ name: "rdp", priority: 310, destinationPortRanges: ["3389"] }), rule({ name: "winrm", priority: 320, sourceAddressPrefixes: ["Internet"], destinationPortRanges: ["5986"] })])],
    },
    tab: "recommended",
    reason:
      "3389 (RDP) open to the Internet by rule rdp (priority 310) in nsg-win; 5986 (WinRM over HTTPS) open to the Internet by rule winrm (priority 320) in nsg-win",
  },
];

describe("classifyVms: tabs and reasons", () => {
  it.each(cases)("when $when, then $tab: $reason", ({ parts, configured, tab, reason }) => {
    const configuredIds = new Set(configured === true ? [vmId("vm1").toLowerCase()] : []);
    const [summary] = classifyVms(snapshot(parts), configuredIds);
    expect(summary).toMatchObject({ tab, reason });
  });
});

describe("classifyVms: details", () => {
  it("fills every field of the summary, matching ids whatever their case", () => {
    const subnetNsg = nsg("nsg-snet", []);
    const parts: SnapshotParts = {
      vms: [vm("web-01", { nicIds: [nicId("web-01-nic").toUpperCase()], subscriptionId: "00000000-0000-0000-0000-000000000001".toUpperCase() })],
      nics: [nic("web-01-nic", { nsgId: web.id.toUpperCase(), privateIps: ["10.1.0.4", "2001:db8:1::4"], subnetIds: [subnetId("vnet-app", "snet-app").toUpperCase()] })],
      subnets: [subnet("vnet-app", "snet-app", { nsgId: subnetNsg.id, vnetId: vnetId("vnet-app").toUpperCase() })],
      nsgs: [web, subnetNsg],
      vnets: [[vnetId("vnet-app"), ["10.1.0.0/16", "2001:db8:1::/48"]]],
    };
    const [summary] = classifyVms(snapshot(parts), new Set());
    // The subnet NSG has only default rules, so nothing is open despite the NIC's Allow.
    expect(summary).toEqual({
      id: vmId("web-01"),
      name: "web-01",
      resourceGroup: "rg-app",
      subscriptionId: "00000000-0000-0000-0000-000000000001".toUpperCase(),
      subscriptionName: "Production",
      location: "westeurope",
      osType: "Linux",
      vmSize: "Standard_B2s",
      scaleSetInstance: false,
      privateIps: ["10.1.0.4", "2001:db8:1::4"],
      nsgs: [
        { id: web.id, name: "nsg-web", resourceGroup: "rg-net", attachment: "nic", attachedTo: "web-01-nic" },
        { id: subnetNsg.id, name: "nsg-snet", resourceGroup: "rg-net", attachment: "subnet", attachedTo: "snet-app" },
      ],
      tab: "recommended",
      reason: "Has a network security group and no JIT policy; no management port is open to the Internet today",
      exposure: [],
    });
  });

  it("when a configured VM is still open, then its exposure is listed under Configured", () => {
    const parts: SnapshotParts = { vms: [vm("vm1")], nics: [nic("vm1-nic", { nsgId: web.id })], subnets: [bareSubnet], nsgs: [web] };
    const [summary] = classifyVms(snapshot(parts), new Set([vmId("vm1").toLowerCase()]));
    expect(summary?.tab).toBe("configured");
    expect(summary?.exposure).toEqual([{ port: 22, protocol: "TCP", nsgName: "nsg-web", ruleName: "allow-ssh-any", priority: 300, source: "*" }]);
  });

  it("when a NIC spans two subnets, then each IP is judged behind its own subnet's NSG", () => {
    const frontNsg = nsg("nsg-front", [rule({ name: "ssh-front", priority: 300 })]);
    const backNsg = nsg("nsg-back", []);
    const parts: SnapshotParts = {
      vms: [vm("vm1")],
      nics: [nic("vm1-nic", { privateIps: ["10.1.2.4", "10.1.1.4"], subnetIds: [subnetId("vnet-app", "back"), subnetId("vnet-app", "front")] })],
      subnets: [
        subnet("vnet-app", "front", { addressPrefixes: ["10.1.1.0/24"], nsgId: frontNsg.id }),
        subnet("vnet-app", "back", { addressPrefixes: ["10.1.2.0/24"], nsgId: backNsg.id }),
      ],
      nsgs: [frontNsg, backNsg],
    };
    const [summary] = classifyVms(snapshot(parts), new Set());
    expect(summary?.exposure).toEqual([{ port: 22, protocol: "TCP", nsgName: "nsg-front", ruleName: "ssh-front", priority: 300, source: "*" }]);
    expect(summary?.nsgs.map((n) => `${n.attachment}:${n.attachedTo}:${n.name}`)).toEqual(["subnet:back:nsg-back", "subnet:front:nsg-front"]);
  });

  it("when an attached NSG is missing from the snapshot, then the VM still counts as having one, named from its id", () => {
    const missingId = nsg("nsg-late", []).id;
    const parts: SnapshotParts = { vms: [vm("vm1")], nics: [nic("vm1-nic", { nsgId: missingId })], subnets: [bareSubnet], nsgs: [] };
    const [summary] = classifyVms(snapshot(parts), new Set());
    expect(summary).toMatchObject({ tab: "recommended", exposure: [], nsgs: [{ id: missingId, name: "nsg-late", resourceGroup: "rg-net", attachment: "nic" }] });
  });

  it("when two NICs share a subnet, then the subnet's NSG is listed once and IPs from both are listed", () => {
    const subnetNsg = nsg("nsg-snet", []);
    const parts: SnapshotParts = {
      vms: [vm("vm1", { nicIds: [nicId("nic-a"), nicId("nic-b")] })],
      nics: [nic("nic-a", { privateIps: ["10.1.0.4"] }), nic("nic-b", { privateIps: ["10.1.0.5"] })],
      subnets: [subnet("vnet-app", "snet-app", { nsgId: subnetNsg.id })],
      nsgs: [subnetNsg],
    };
    const [summary] = classifyVms(snapshot(parts), new Set());
    expect(summary?.nsgs).toHaveLength(1);
    expect(summary?.privateIps).toEqual(["10.1.0.4", "10.1.0.5"]);
  });

  it("when the subscription is unknown, then its id stands in for its name", () => {
    const parts: SnapshotParts = { vms: [vm("vm1", { subscriptionId: "other" })], nics: [nic("vm1-nic", { nsgId: web.id })], subnets: [bareSubnet], nsgs: [web] };
    expect(classifyVms(snapshot(parts), new Set())[0]?.subscriptionName).toBe("other");
  });
});
