import { describe, expect, it } from "vitest";
import type { NsgRule } from "../nsg/types.ts";
import { nsg, rule } from "../test-support/fixtures.ts";
import { planGrant } from "./plan-grant.ts";
import { planEdit, planEnable, planRemove } from "./plan-policy.ts";
import { positionFromNetwork } from "./position.ts";
import { denyRuleName } from "./rule-names.ts";
import { after, changeOf, layoutOf, policy, port, vmPosition } from "./test-support/fixtures.ts";

const ssh = (priority: number, overrides: Partial<NsgRule> = {}) => rule({ name: `ssh-${priority}`, priority, ...overrides });

describe("planEnable", () => {
  it("several VMs behind one subnet NSG make one new rule set for it", () => {
    const subnetNsg = nsg("nsg-subnet", [ssh(300, { destinationAddressPrefixes: ["10.1.0.0/24"] })]);
    const vms = ["vm1", "vm2", "vm3"].map((name, i) => ({ position: vmPosition(name, [{ ips: [`10.1.0.${4 + i}`], subnetNsg }]), policy: policy(port(22)) }));
    const result = planEnable({ vms, nsgs: [subnetNsg] });
    expect(result.ok && result.changes.length).toBe(1);
    expect(layoutOf(changeOf(result, subnetNsg).rules)).toEqual(["deny:vm3:tcp4@297", "deny:vm2:tcp4@298", "deny:vm1:tcp4@299", "ssh-300@300"]);
  });

  it("a NIC with several ip configurations, one holding a prefix (Azure's 172.20.2.16/28 shape), gets Deny rules for every address and the whole prefix", () => {
    const nicNsg = nsg("nsg-nic", [ssh(200)]);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4", "10.1.0.16/28", "2001:db8:1::4"], nicNsg }]);
    const rules = after(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [nicNsg] }), nicNsg).rules;
    const denies = rules.filter((r) => r.access === "Deny").map((r) => r.destinationAddressPrefixes);
    expect(denies).toHaveLength(2);
    expect(denies).toEqual(expect.arrayContaining([["10.1.0.4", "10.1.0.16/28"], ["2001:db8:1::4"]]));
  });

  it("a rule opening SSH to one address inside the NIC's prefix gets the Deny placed ahead of it", () => {
    const nicNsg = nsg("nsg-nic", [ssh(300, { destinationAddressPrefixes: ["10.1.0.21"] })]);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4", "10.1.0.16/28"], nicNsg }]);
    expect(layoutOf(after(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [nicNsg] }), nicNsg).rules)).toEqual(["deny:vm1:tcp4@299", "ssh-300@300"]);
  });

  it("a grant on a VM whose NIC holds a prefix opens the prefix too", () => {
    const nicNsg = nsg("nsg-nic", []);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4", "10.1.0.16/28"], nicNsg }]);
    const enabled = after(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [nicNsg] }), nicNsg);
    const granted = planGrant({ grants: [{ id: "g1", vm, policy: policy(port(22)), sourcePrefixes: ["203.0.113.7"], ports: [{ port: 22, protocol: "TCP" }], endsAt: new Date("2030-01-01T00:00:00Z") }], nsgs: [enabled] });
    const allow = after(granted, enabled).rules.find((r) => r.access === "Allow");
    expect(allow?.destinationAddressPrefixes).toEqual(["10.1.0.4", "10.1.0.16/28"]);
  });

  it("enabling an enabled VM with the same policy changes nothing", () => {
    const nicNsg = nsg("nsg-nic", [ssh(100), ssh(101)]);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]);
    const enabled = after(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [nicNsg] }), nicNsg);
    expect(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [enabled] })).toEqual({ ok: true, changes: [], unchanged: [nicNsg.id] });
  });

  it("repairs drift: a rule added later ahead of the Deny gets the Deny moved ahead of it", () => {
    const nicNsg = nsg("nsg-nic", []);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]);
    const enabled = after(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [nicNsg] }), nicNsg);
    const drifted = { ...enabled, rules: [...enabled.rules, ssh(200)] };
    expect(layoutOf(after(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [drifted] }), drifted).rules)).toEqual(["deny:vm1:tcp4@199", "ssh-200@200"]);
  });

  it("removes the VM's rules from an NSG passed in that no longer covers it", () => {
    const oldNsg = nsg("nsg-old", []);
    const newNsg = nsg("nsg-new", []);
    const before = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: oldNsg }]);
    const moved = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: newNsg }]);
    const protectedOld = after(planEnable({ vms: [{ position: before, policy: policy(port(22)) }], nsgs: [oldNsg] }), oldNsg);
    const result = planEnable({ vms: [{ position: moved, policy: policy(port(22)) }], nsgs: [protectedOld, newNsg] });
    expect(after(result, protectedOld)).toEqual(oldNsg);
    expect(layoutOf(after(result, newNsg).rules)).toEqual(["deny:vm1:tcp4@4096"]);
  });

  it("replaces a damaged rule of its own (readable name, unreadable description)", () => {
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: nsg("nsg-nic", []) }]);
    const damaged = nsg("nsg-nic", [rule({ name: denyRuleName(vm, "Tcp", "ipv4"), priority: 500, access: "Deny", description: "edited by hand" })]);
    const change = changeOf(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [damaged] }), damaged);
    expect(change.diff.updated).toHaveLength(1);
    expect(layoutOf(change.rules)).toEqual(["deny:vm1:tcp4@4096"]);
  });

  const nicNsg = nsg("nsg-nic", []);
  it.each([
    ["an invalid policy", { position: vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]), policy: policy(port(70000)) }, [nicNsg], "invalid-input", /ports\[0\]\.port: must be a whole number/],
    ["a NIC without any NSG", { position: vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }, { ips: ["10.1.0.5"] }]), policy: policy(port(22)) }, [nicNsg], "no-nsg", /NIC vm1-nic-1 has no NSG.*10\.1\.0\.5/],
    ["an NSG that was not read", { position: vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]), policy: policy(port(22)) }, [], "nsg-missing", /was not read/],
    ["a private IP that is not one", { position: vmPosition("vm1", [{ ips: ["10.1.0.999"], nicNsg }]), policy: policy(port(22)) }, [nicNsg], "invalid-input", /not an IP address/],
    ["an NSG with two rules at one priority", { position: vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]), policy: policy(port(22)) }, [nsg("nsg-nic", [ssh(300), rule({ name: "other", priority: 300 })])], "invalid-nsg", /share inbound priority 300/],
    ["an NSG with a priority below 100", { position: vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]), policy: policy(port(22)) }, [nsg("nsg-nic", [ssh(99)])], "invalid-nsg", /priority 99/],
  ])("refuses %s", (_, target, nsgs, reason, message) => {
    const result = planEnable({ vms: [target], nsgs });
    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok ? "" : result.message).toMatch(message);
  });
});

describe("planEdit", () => {
  const nicNsg = nsg("nsg-nic", [ssh(300, { protocol: "*", destinationPortRanges: ["*"] })]);
  const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]);
  const enable = (p = policy(port(22), port(3389))) => after(planEnable({ vms: [{ position: vm, policy: p }], nsgs: [nicNsg] }), nicNsg);

  it("touches only the rules that differ", () => {
    const enabled = enable();
    const change = changeOf(planEdit({ vms: [{ position: vm, policy: policy(port(22), port(3389), port(53, "UDP")) }], nsgs: [enabled] }), enabled);
    expect(change.diff).toMatchObject({ removed: [], renumbered: [], updated: [], unchanged: 2 });
    expect(change.diff.added.map((r) => [r.protocol, r.destinationPortRanges, r.priority])).toEqual([["Udp", ["53"], 298]]);
  });

  it("rewrites a Deny whose ports change in place", () => {
    const enabled = enable();
    const change = changeOf(planEdit({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [enabled] }), enabled);
    expect(change.diff.updated.map((u) => [u.before.destinationPortRanges, u.after.destinationPortRanges])).toEqual([[["22", "3389"], ["22"]]]);
    expect(change.diff).toMatchObject({ added: [], removed: [], renumbered: [] });
  });

  it("narrows an active grant to the ports the new policy still protects, and drops it when none is left", () => {
    const vmPolicy = policy(port(22), port(3389));
    const enabled = enable(vmPolicy);
    const grantResult = planGrant({
      grants: [{ id: "g-1", vm, policy: vmPolicy, sourcePrefixes: ["203.0.113.7"], ports: [{ port: 22, protocol: "TCP" }, { port: 3389, protocol: "TCP" }], endsAt: new Date("2026-11-24T14:05:00Z") }],
      nsgs: [enabled],
    });
    const granted = after(grantResult, enabled);
    const narrowed = changeOf(planEdit({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [granted] }), granted);
    expect(narrowed.rules.find((r) => r.access === "Allow" && r.name.startsWith("portcullis"))?.destinationPortRanges).toEqual(["22"]);
    const dropped = changeOf(planEdit({ vms: [{ position: vm, policy: policy(port(5985)) }], nsgs: [granted] }), granted);
    expect(dropped.diff.removed.map((r) => r.description)).toEqual(["portcullis grant=g-1 expires=2026-11-24T14:05:00Z"]);
  });
});

describe("planRemove", () => {
  it("removes only the named VM's rules and keeps the others protected", () => {
    const subnetNsg = nsg("nsg-subnet", [ssh(100)]);
    const one = vmPosition("vm1", [{ ips: ["10.1.0.4"], subnetNsg }]);
    const two = vmPosition("vm2", [{ ips: ["10.1.0.5"], subnetNsg }]);
    const enabled = after(planEnable({ vms: [{ position: one, policy: policy(port(22)) }, { position: two, policy: policy(port(22)) }], nsgs: [subnetNsg] }), subnetNsg);
    expect(layoutOf(enabled.rules)).toEqual(["deny:vm1:tcp4@100", "deny:vm2:tcp4@101", "ssh-100@102"]);
    const removed = after(planRemove({ vmIds: [one.vmId], nsgs: [enabled] }), enabled);
    expect(layoutOf(removed.rules)).toEqual(["deny:vm2:tcp4@100", "ssh-100@101"]);
    expect(after(planRemove({ vmIds: [two.vmId], nsgs: [removed] }), removed)).toEqual(subnetNsg);
  });

  it("also drops a rule under the VM's JIT name whose description was damaged", () => {
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: nsg("nsg-nic", []) }]);
    const damaged = nsg("nsg-nic", [ssh(300), rule({ name: denyRuleName(vm, "Tcp", "ipv4"), priority: 299, access: "Deny", description: "edited by hand" })]);
    expect(layoutOf(after(planRemove({ vmIds: [vm.vmId], nsgs: [damaged] }), damaged).rules)).toEqual(["ssh-300@300"]);
    expect(planRemove({ vmIds: [vmPosition("vm2", []).vmId], nsgs: [damaged] })).toEqual({ ok: true, changes: [], unchanged: [damaged.id] });
  });

  it("of a VM without JIT rules changes nothing", () => {
    const subnetNsg = nsg("nsg-subnet", [ssh(100)]);
    expect(planRemove({ vmIds: [vmPosition("vm9", []).vmId], nsgs: [subnetNsg] })).toEqual({ ok: true, changes: [], unchanged: [subnetNsg.id] });
  });
});

describe("positionFromNetwork", () => {
  it("turns the inventory's NIC bindings into one entry per NIC and subnet", () => {
    const nicNsg = nsg("nsg-nic", []);
    const subnetNsg = nsg("nsg-subnet", []);
    const nic = { id: "nic-1", name: "nic-1", privateIps: ["10.1.0.4", "10.2.0.4"], subnetIds: ["a", "b"], nsgId: nicNsg.id };
    const subnet = (id: string) => ({ id, name: id, vnetId: "v", addressPrefixes: [], nsgId: null });
    const position = positionFromNetwork(
      { id: "vm-id", name: "vm1" },
      {
        nics: [
          {
            nic,
            nicNsg,
            groups: [
              { subnet: subnet("a"), subnetNsg, privateIps: ["10.1.0.4"], virtualNetworkPrefixes: [] },
              { subnet: subnet("b"), subnetNsg: null, privateIps: ["10.2.0.4"], virtualNetworkPrefixes: [] },
            ],
          },
        ],
        nsgs: [],
        privateIps: ["10.1.0.4", "10.2.0.4"],
      },
    );
    expect(position).toEqual({
      vmId: "vm-id",
      vmName: "vm1",
      nics: [
        { id: "nic-1", privateIps: ["10.1.0.4"], nsgId: nicNsg.id, subnetNsgId: subnetNsg.id },
        { id: "nic-1", privateIps: ["10.2.0.4"], nsgId: nicNsg.id, subnetNsgId: null },
      ],
    });
  });
});
