import { describe, expect, it } from "vitest";
import { evaluateInbound } from "../nsg/evaluator.ts";
import type { NsgRule } from "../nsg/types.ts";
import { nsg, rule } from "../test-support/fixtures.ts";
import { planExpire, planGrant } from "./plan-grant.ts";
import { planEnable, planRemove } from "./plan-policy.ts";
import { after, changeOf, layoutOf, policy, port, vmPosition, vnet } from "./test-support/fixtures.ts";

const allow22 = (name: string, priority: number, overrides: Partial<NsgRule> = {}) => rule({ name, priority, ...overrides });
const other = (name: string, priority: number) => rule({ name, priority, destinationPortRanges: ["80"] });

interface PlacementCase {
  when: string;
  rules: NsgRule[];
  layout: string[];
}

const placements: PlacementCase[] = [
  { when: "no rule admits the port: the high band, 4096", rules: [], layout: ["deny:vm1:tcp4@4096"] },
  { when: "no rule admits the port and 4096 is taken: the highest free number", rules: [other("web-4096", 4096)], layout: ["deny:vm1:tcp4@4095", "web-4096@4096"] },
  { when: "an Allow for 22 from * at 300", rules: [allow22("ssh", 300)], layout: ["deny:vm1:tcp4@299", "ssh@300"] },
  { when: "the number directly ahead is taken by an unrelated rule", rules: [other("web", 299), allow22("ssh", 300)], layout: ["deny:vm1:tcp4@298", "web@299", "ssh@300"] },
  { when: "an existing Deny for 22 sits ahead: it does not count", rules: [allow22("block", 200, { access: "Deny" }), allow22("ssh", 300)], layout: ["block@200", "deny:vm1:tcp4@299", "ssh@300"] },
  { when: "an Allow for UDP 22 only (the policy is TCP)", rules: [allow22("udp", 300, { protocol: "Udp" })], layout: ["udp@300", "deny:vm1:tcp4@4096"] },
  { when: "an Allow for any protocol", rules: [allow22("any", 300, { protocol: "*" })], layout: ["deny:vm1:tcp4@299", "any@300"] },
  { when: "an Allow for 22 to another host only", rules: [allow22("db", 300, { destinationAddressPrefixes: ["10.1.0.9"] })], layout: ["db@300", "deny:vm1:tcp4@4096"] },
  { when: "an Allow to VirtualNetwork", rules: [allow22("vnet", 300, { destinationAddressPrefixes: ["VirtualNetwork"] })], layout: ["deny:vm1:tcp4@299", "vnet@300"] },
  { when: "an Allow for the port range 20-25", rules: [allow22("range", 300, { destinationPortRanges: ["20-25"] })], layout: ["deny:vm1:tcp4@299", "range@300"] },
  { when: "an Allow from one office address (any source counts)", rules: [allow22("office", 300, { sourceAddressPrefixes: ["203.0.113.7"] })], layout: ["deny:vm1:tcp4@299", "office@300"] },
  { when: "an Allow from an application security group (no prefixes)", rules: [allow22("asg", 300, { sourceAddressPrefixes: [] })], layout: ["deny:vm1:tcp4@299", "asg@300"] },
  { when: "two admitting rules: ahead of the first", rules: [allow22("late", 500), allow22("early", 300)], layout: ["deny:vm1:tcp4@299", "early@300", "late@500"] },
  { when: "the admitting rule is at 100 and 101 is free", rules: [allow22("ssh", 100)], layout: ["deny:vm1:tcp4@100", "ssh@101"] },
  { when: "the admitting rule is at 100 and 101, 102 are taken", rules: [allow22("ssh", 100), other("a", 101), other("b", 102)], layout: ["deny:vm1:tcp4@100", "ssh@101", "a@102", "b@103"] },
  { when: "100-102 are taken and 102 admits", rules: [other("a", 100), other("b", 101), allow22("ssh", 102)], layout: ["a@100", "b@101", "deny:vm1:tcp4@102", "ssh@103"] },
  { when: "4094-4096 are taken and nothing admits", rules: [other("x", 4094), other("y", 4095), other("z", 4096)], layout: ["deny:vm1:tcp4@4093", "x@4094", "y@4095", "z@4096"] },
];

describe("Deny rule placement (one NIC NSG, 10.1.0.4, TCP 22)", () => {
  it.each(placements)("when $when", ({ rules, layout }) => {
    const nicNsg = nsg("nsg-nic", rules);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]);
    const result = planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [nicNsg] });
    expect(layoutOf(changeOf(result, nicNsg).rules)).toEqual(layout);
  });
});

describe("Deny rule content", () => {
  it("writes one rule per protocol group and IP version, each aimed at the VM's own addresses", () => {
    const nicNsg = nsg("nsg-nic", [allow22("ssh", 300, { protocol: "*", destinationPortRanges: ["*"] })]);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4", "2001:db8:1::4"], nicNsg }]);
    const result = planEnable({ vms: [{ position: vm, policy: policy(port(22), port(5986), port(5985), port(53, "UDP"), port(3389, "Any")) }], nsgs: [nicNsg] });
    const denies = changeOf(result, nicNsg).diff.added.map((r) => [r.protocol, r.destinationAddressPrefixes, r.destinationPortRanges, r.sourceAddressPrefixes]);
    expect(denies).toEqual(
      expect.arrayContaining([
        ["Tcp", ["10.1.0.4"], ["22", "5985-5986"], ["*"]],
        ["Tcp", ["2001:db8:1::4"], ["22", "5985-5986"], ["*"]],
        ["Udp", ["10.1.0.4"], ["53"], ["*"]],
        ["*", ["2001:db8:1::4"], ["3389"], ["*"]],
      ]),
    );
    expect(denies).toHaveLength(6);
  });

  it("in a subnet NSG, targets only the VM's addresses, so the rest of the subnet keeps its verdict", () => {
    const subnetNsg = nsg("nsg-subnet", [allow22("ssh-subnet", 300, { destinationAddressPrefixes: ["10.1.0.0/24"] })]);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], subnetNsg }, { ips: ["10.1.0.5"], subnetNsg }]);
    const enabled = after(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [subnetNsg] }), subnetNsg);
    expect(enabled.rules.find((r) => r.access === "Deny")?.destinationAddressPrefixes).toEqual(["10.1.0.4", "10.1.0.5"]);
    const flow = (destination: string) => evaluateInbound({ subnetNsg: enabled, nicNsg: null, flow: { source: "Internet", destination, port: 22, protocol: "Tcp" }, virtualNetworkPrefixes: vnet });
    expect(flow("10.1.0.4").access).toBe("Deny");
    expect(flow("10.1.0.5").access).toBe("Deny");
    expect(flow("10.1.0.9").access).toBe("Allow");
  });

  it("goes into both the NIC's and the subnet's NSG, so an Allow at one level cannot reopen the port", () => {
    const subnetNsg = nsg("nsg-subnet", [allow22("ssh-subnet", 400)]);
    const nicNsg = nsg("nsg-nic", []);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg, subnetNsg }]);
    const result = planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [subnetNsg, nicNsg] });
    expect(layoutOf(changeOf(result, subnetNsg).rules)).toEqual(["deny:vm1:tcp4@399", "ssh-subnet@400"]);
    expect(layoutOf(changeOf(result, nicNsg).rules)).toEqual(["deny:vm1:tcp4@4096"]);
  });
});

describe("renumbering round trip: admitting rule at 100 with 101 and 102 taken", () => {
  const original = nsg("nsg-nic", [allow22("ssh", 100), other("a", 101), other("b", 102)]);
  const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: original }]);
  const vmPolicy = policy(port(22));
  const enableResult = planEnable({ vms: [{ position: vm, policy: vmPolicy }], nsgs: [original] });
  const enabled = after(enableResult, original);
  const grantResult = planGrant({
    grants: [{ id: "g1", vm, policy: vmPolicy, sourcePrefixes: ["203.0.113.7"], ports: [{ port: 22, protocol: "TCP" }], endsAt: new Date("2026-11-24T14:05:00Z") }],
    nsgs: [enabled],
  });
  const granted = after(grantResult, enabled);

  it("enable shifts the smallest block up by one and records it in the Deny's description", () => {
    const change = changeOf(enableResult, original);
    expect(change.diff.renumbered).toEqual([
      { name: "ssh", from: 100, to: 101 },
      { name: "a", from: 101, to: 102 },
      { name: "b", from: 102, to: 103 },
    ]);
    expect(change.diff.added.map((r) => r.description)).toEqual(["portcullis JIT deny, protects VM vm1 shift=3"]);
  });

  it("a grant needs a number ahead of the Deny and shifts again", () => {
    expect(layoutOf(granted.rules)).toEqual(["allow:vm1:tcp4@100", "deny:vm1:tcp4@101", "ssh@102", "a@103", "b@104"]);
    expect(changeOf(grantResult, enabled).diff.added.map((r) => r.description)).toEqual(["portcullis grant=g1 expires=2026-11-24T14:05:00Z shift=4"]);
  });

  it("expiry gives back the NSG after enable, and remove the original", () => {
    const expired = after(planExpire({ grantIds: ["g1"], nsgs: [granted] }), granted);
    expect(expired).toEqual(enabled);
    expect(after(planRemove({ vmIds: [vm.vmId], nsgs: [expired] }), expired)).toEqual(original);
    expect(after(planRemove({ vmIds: [vm.vmId], nsgs: [granted] }), granted)).toEqual(original);
  });
});

describe("no room", () => {
  const dense = (count: number, from = 100): NsgRule[] => Array.from({ length: count }, (_, i) => other(`r${from + i}`, from + i));

  it("fails, naming the NSG, when the NSG already holds 1,000 rules", () => {
    const full = nsg("nsg-full", dense(1000));
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: full }]);
    const result = planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [full] });
    expect(result).toEqual({ ok: false, reason: "no-room", nsgId: full.id, message: "NSG nsg-full would hold 1001 rules; Azure allows at most 1000 per NSG (it holds 1000 now)" });
  });

  it("counts every rule the change adds: one more fits in 999, two do not", () => {
    const almost = nsg("nsg-almost", dense(999));
    const one = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: almost }]);
    const two = vmPosition("vm1", [{ ips: ["10.1.0.4", "2001:db8:1::4"], nicNsg: almost }]);
    expect(planEnable({ vms: [{ position: one, policy: policy(port(22)) }], nsgs: [almost] }).ok).toBe(true);
    expect(planEnable({ vms: [{ position: two, policy: policy(port(22)) }], nsgs: [almost] })).toMatchObject({ ok: false, reason: "no-room", nsgId: almost.id });
  });

  it("fails when every priority from 100 to 4096 is taken", () => {
    const taken = nsg("nsg-taken", dense(3997));
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: taken }]);
    expect(planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [taken] })).toMatchObject({ ok: false, reason: "no-room", nsgId: taken.id });
  });

  it("fails before anything is planned for other NSGs", () => {
    const full = nsg("nsg-full", dense(1000));
    const fine = nsg("nsg-fine", []);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: fine, subnetNsg: full }]);
    const result = planEnable({ vms: [{ position: vm, policy: policy(port(22)) }], nsgs: [fine, full] });
    expect(result.ok).toBe(false);
    expect("changes" in result).toBe(false);
  });
});
