import type { NetworkSecurityGroup } from "@azure/arm-network";
import { planEnable } from "@portcullis/core";
import type { NsgRule } from "@portcullis/core";
import { describe, expect, it } from "vitest";
import { toNsg } from "./map-models.ts";
import { nsgWithPlannedRules, toArmRule } from "./nsg-arm-rules.ts";

const rule = (overrides: Partial<NsgRule>): NsgRule => ({
  name: "r",
  priority: 100,
  direction: "Inbound",
  access: "Deny",
  protocol: "Tcp",
  sourceAddressPrefixes: ["*"],
  sourcePortRanges: ["*"],
  destinationAddressPrefixes: ["10.0.0.4"],
  destinationPortRanges: ["22"],
  ...overrides,
});

describe("domain rules as ARM takes them", () => {
  it("puts one prefix (`*`, a tag or an address) in the singular field, where ARM accepts tags", () => {
    expect(toArmRule(rule({ sourceAddressPrefixes: ["Internet"] }))).toMatchObject({
      sourceAddressPrefix: "Internet",
      destinationAddressPrefix: "10.0.0.4",
      sourcePortRange: "*",
      destinationPortRange: "22",
    });
    expect(toArmRule(rule({ sourceAddressPrefixes: ["*"] }))).not.toHaveProperty("sourceAddressPrefixes");
  });

  it("puts several addresses and ports in the plural fields", () => {
    const arm = toArmRule(rule({ destinationAddressPrefixes: ["10.0.0.4", "fd00::4"], destinationPortRanges: ["22", "3389"], description: "d" }));
    expect(arm).toMatchObject({ destinationAddressPrefixes: ["10.0.0.4", "fd00::4"], destinationPortRanges: ["22", "3389"], description: "d" });
    expect(arm).not.toHaveProperty("destinationAddressPrefix");
  });
});

describe("the NSG written back", () => {
  const nsgId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg";
  const vmId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm";
  const current: NetworkSecurityGroup = {
    id: nsgId,
    name: "nsg",
    location: "westeurope",
    etag: 'W/"1"',
    tags: { owner: "net" },
    securityRules: [
      {
        name: "Allow-SSH",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "Internet",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "22",
        description: "kept as is",
      },
      {
        name: "Allow-App-From-Web",
        priority: 200,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceApplicationSecurityGroups: [{ id: "asg-web" }],
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "8080",
      },
      // No priority: the domain model cannot read it, so it must be left exactly as it is.
      { name: "half-written", direction: "Inbound", access: "Allow", protocol: "Tcp" },
    ],
  };

  it("keeps untouched rules as ARM sent them, builds new ones from the plan, and keeps unreadable rules", () => {
    const nsg = toNsg(current);
    if (nsg === undefined) throw new Error("no nsg");
    const plan = planEnable({
      vms: [{ position: { vmId, vmName: "vm", nics: [{ id: "nic", privateIps: ["10.0.0.4"], nsgId, subnetNsgId: null }] }, policy: { ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestMinutes: 180 }] } }],
      nsgs: [nsg],
    });
    if (!plan.ok || plan.changes[0] === undefined) throw new Error("expected a change");
    const written = nsgWithPlannedRules(current, plan.changes[0]);
    expect(written).toMatchObject({ id: nsgId, location: "westeurope", tags: { owner: "net" } });
    const byName = new Map(written.securityRules?.map((r) => [r.name, r]));
    const deny = written.securityRules?.find((r) => r.name?.startsWith("portcullis-jit-deny-"));
    expect(deny).toMatchObject({ access: "Deny", sourceAddressPrefix: "*", destinationAddressPrefix: "10.0.0.4", destinationPortRange: "22" });
    const planned = new Map(plan.changes[0].rules.map((r) => [r.name, r.priority]));
    expect(byName.get("Allow-SSH")).toEqual({ ...current.securityRules?.[0], priority: planned.get("Allow-SSH") });
    expect(byName.get("Allow-App-From-Web")).toEqual({ ...current.securityRules?.[1], priority: planned.get("Allow-App-From-Web") });
    expect(byName.get("half-written")).toEqual(current.securityRules?.[2]);
    expect(written.securityRules).toHaveLength(4);
  });
});
