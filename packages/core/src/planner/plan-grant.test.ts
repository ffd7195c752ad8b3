import { describe, expect, it } from "vitest";
import { evaluateInbound } from "../nsg/evaluator.ts";
import type { Nsg } from "../nsg/types.ts";
import { nsg, rule } from "../test-support/fixtures.ts";
import { planExpire, planGrant } from "./plan-grant.ts";
import { planEnable } from "./plan-policy.ts";
import { after, changeOf, layoutOf, policy, port, vmPosition, vnet } from "./test-support/fixtures.ts";
import type { Grant, JitPolicy, VmPosition } from "./types.ts";

const endsAt = new Date("2026-11-24T14:05:00Z");

function enabledSetup(nsgs: Nsg[], position: VmPosition, vmPolicy: JitPolicy): Nsg[] {
  const result = planEnable({ vms: [{ position, policy: vmPolicy }], nsgs });
  return nsgs.map((n) => after(result, n));
}

function grant(vm: VmPosition, vmPolicy: JitPolicy, overrides: Partial<Grant> = {}): Grant {
  return { id: "g-1", vm, policy: vmPolicy, sourcePrefixes: ["203.0.113.7"], ports: [{ port: 22, protocol: "TCP" }], endsAt, ...overrides };
}

const ssh = (source: string, destination = "10.1.0.4") => ({ source, destination, port: 22, protocol: "Tcp" as const });

describe("planGrant", () => {
  const nicNsg = nsg("nsg-nic", [rule({ name: "ssh", priority: 300 })]);
  const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]);
  const vmPolicy = policy(port(22), port(3389));
  const [enabled = nicNsg] = enabledSetup([nicNsg], vm, vmPolicy);

  it("writes one Allow at the lowest free number from 100, for the requester only, that says its grant and end", () => {
    const result = planGrant({ grants: [grant(vm, vmPolicy)], nsgs: [enabled] });
    const change = changeOf(result, enabled);
    expect(change.diff.added).toEqual([
      {
        name: expect.stringMatching(/^portcullis-jit-allow-vm1-[0-9a-f]{12}-[0-9a-f]{12}-tcp4$/),
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefixes: ["203.0.113.7"],
        sourcePortRanges: ["*"],
        destinationAddressPrefixes: ["10.1.0.4"],
        destinationPortRanges: ["22"],
        description: "portcullis grant=g-1 expires=2026-11-24T14:05:00Z",
      },
    ]);
    expect(change.diff).toMatchObject({ removed: [], renumbered: [], updated: [], unchanged: 2 });
    const granted = after(result, enabled);
    const verdict = (source: string, port = 22) => evaluateInbound({ subnetNsg: null, nicNsg: granted, flow: { ...ssh(source), port }, virtualNetworkPrefixes: vnet }).access;
    expect(verdict("203.0.113.7")).toBe("Allow");
    expect(verdict("203.0.113.8")).toBe("Deny");
    expect(verdict("203.0.113.7", 3389)).toBe("Deny");
  });

  it("goes ahead of an existing Deny that would refuse the granted flow", () => {
    const guarded = nsg("nsg-guarded", [rule({ name: "no-internet-ssh", priority: 100, access: "Deny", sourceAddressPrefixes: ["Internet"] }), rule({ name: "ssh", priority: 300 })]);
    const position = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: guarded }]);
    const [ready = guarded] = enabledSetup([guarded], position, vmPolicy);
    const granted = after(planGrant({ grants: [grant(position, vmPolicy)], nsgs: [ready] }), ready);
    expect(layoutOf(granted.rules)).toEqual(["allow:vm1:tcp4@100", "no-internet-ssh@101", "deny:vm1:tcp4@299", "ssh@300"]);
    expect(evaluateInbound({ subnetNsg: null, nicNsg: granted, flow: ssh("203.0.113.7"), virtualNetworkPrefixes: vnet }).access).toBe("Allow");
  });

  it("opens every level that decides the flow (NIC and subnet) in one write each", () => {
    const subnetNsg = nsg("nsg-subnet", []);
    const nic = nsg("nsg-nic2", []);
    const position = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: nic, subnetNsg }]);
    const nsgs = enabledSetup([subnetNsg, nic], position, vmPolicy);
    const result = planGrant({ grants: [grant(position, vmPolicy)], nsgs });
    expect(result.ok && result.changes.map((c) => c.nsgName)).toEqual(["nsg-subnet", "nsg-nic2"]);
    const [s = subnetNsg, n = nic] = nsgs.map((x) => after(result, x));
    expect(evaluateInbound({ subnetNsg: s, nicNsg: n, flow: ssh("203.0.113.7"), virtualNetworkPrefixes: vnet }).access).toBe("Allow");
  });

  it("writes one rule per IP version with sources and destinations of that version", () => {
    const dual = nsg("nsg-dual", []);
    const position = vmPosition("vm1", [{ ips: ["10.1.0.4", "2001:db8:1::4"], nicNsg: dual }]);
    const [ready = dual] = enabledSetup([dual], position, vmPolicy);
    const result = planGrant({ grants: [grant(position, vmPolicy, { sourcePrefixes: ["203.0.113.0/24", "2001:db8:ff::/64"] })], nsgs: [ready] });
    const added = changeOf(result, ready).diff.added.map((r) => [r.sourceAddressPrefixes, r.destinationAddressPrefixes]);
    expect(added).toEqual(
      expect.arrayContaining([
        [["203.0.113.0/24"], ["10.1.0.4"]],
        [["2001:db8:ff::/64"], ["2001:db8:1::4"]],
      ]),
    );
    expect(added).toHaveLength(2);
  });

  it("opens to * only when the policy allows any source", () => {
    const anyPolicy = policy(port(22, "TCP", { kind: "any" }));
    const open = nsg("nsg-open", []);
    const position = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: open }]);
    const [ready = open] = enabledSetup([open], position, anyPolicy);
    const granted = after(planGrant({ grants: [grant(position, anyPolicy, { sourcePrefixes: ["*"] })], nsgs: [ready] }), ready);
    expect(evaluateInbound({ subnetNsg: null, nicNsg: granted, flow: ssh("Internet"), virtualNetworkPrefixes: vnet }).access).toBe("Allow");
  });

  it("a newer grant supersedes the older one in the same write", () => {
    const first = after(planGrant({ grants: [grant(vm, vmPolicy)], nsgs: [enabled] }), enabled);
    const result = planGrant({ grants: [grant(vm, vmPolicy, { id: "g-2", sourcePrefixes: ["198.51.100.9"] })], supersedes: ["g-1"], nsgs: [first] });
    const change = changeOf(result, first);
    expect(change.diff.removed.map((r) => r.description)).toEqual(["portcullis grant=g-1 expires=2026-11-24T14:05:00Z"]);
    expect(change.diff.added.map((r) => [r.priority, r.sourceAddressPrefixes])).toEqual([[100, ["198.51.100.9"]]]);
  });

  it("grants for two VMs behind one subnet NSG arriving together make one write", () => {
    const subnetNsg = nsg("nsg-subnet", []);
    const one = vmPosition("vm1", [{ ips: ["10.1.0.4"], subnetNsg }]);
    const two = vmPosition("vm2", [{ ips: ["10.1.0.5"], subnetNsg }]);
    const enableResult = planEnable({ vms: [{ position: one, policy: vmPolicy }, { position: two, policy: vmPolicy }], nsgs: [subnetNsg] });
    const ready = after(enableResult, subnetNsg);
    const result = planGrant({ grants: [grant(one, vmPolicy), grant(two, vmPolicy, { id: "g-2" })], nsgs: [ready] });
    expect(result.ok && result.changes).toHaveLength(1);
    expect(layoutOf(after(result, ready).rules)).toEqual(["allow:vm2:tcp4@100", "allow:vm1:tcp4@101", "deny:vm2:tcp4@4095", "deny:vm1:tcp4@4096"]);
  });

  it("the same grant again changes nothing", () => {
    const first = after(planGrant({ grants: [grant(vm, vmPolicy)], nsgs: [enabled] }), enabled);
    expect(planGrant({ grants: [grant(vm, vmPolicy)], nsgs: [first] })).toEqual({ ok: true, changes: [], unchanged: [enabled.id] });
  });

  const bare = nsg("nsg-bare", []);
  const unprotected = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg: bare }]);
  it.each([
    ["a port outside the policy", grant(vm, vmPolicy, { ports: [{ port: 23, protocol: "TCP" }] }), [enabled], "invalid-input", /port 23\/TCP is not in the VM's JIT policy/],
    ["the right port with the wrong protocol", grant(vm, vmPolicy, { ports: [{ port: 22, protocol: "UDP" }] }), [enabled], "invalid-input", /not in the VM's JIT policy/],
    ["* while the policy wants a requester's address", grant(vm, vmPolicy, { sourcePrefixes: ["*"] }), [enabled], "invalid-input", /every address, which the policy does not allow/],
    ["0.0.0.0/0 while the policy wants a requester's address", grant(vm, vmPolicy, { sourcePrefixes: ["0.0.0.0/0"] }), [enabled], "invalid-input", /every address/],
    ["two /1s (all of IPv4) while the policy wants a requester's address", grant(vm, vmPolicy, { sourcePrefixes: ["0.0.0.0/1", "128.0.0.0/1"] }), [enabled], "invalid-input", /together admit every IPv4 address, which the policy does not allow/],
    ["a /16 while the per-request policy allows a /24", grant(vm, vmPolicy, { sourcePrefixes: ["203.0.0.0/16"] }), [enabled], "invalid-input", /wider than the policy lets a requester pick for port 22/],
    ["two /1s on fixed sources of both halves", grant(vm, policy(port(22, "TCP", { kind: "prefixes", prefixes: ["0.0.0.0/1", "128.0.0.0/1"] })), { sourcePrefixes: ["0.0.0.0/1", "128.0.0.0/1"] }), [enabled], "invalid-input", /together admit every IPv4 address/],
    ["a source with host bits set", grant(vm, vmPolicy, { sourcePrefixes: ["203.0.113.7/24"] }), [enabled], "invalid-input", /host bits set/],
    ["a source outside the policy's fixed sources", grant(vm, policy(port(22, "TCP", { kind: "prefixes", prefixes: ["203.0.113.0/24"] })), { sourcePrefixes: ["198.51.100.0/24"] }), [enabled], "invalid-input", /outside the sources the policy allows for port 22/],
    ["only IPv6 sources for an IPv4-only VM", grant(vm, vmPolicy, { sourcePrefixes: ["2001:db8:ff::9"] }), [enabled], "invalid-input", /IP version/],
    ["a grant id with a space", grant(vm, vmPolicy, { id: "g 1" }), [enabled], "invalid-input", /Grant id "g 1"/],
    ["no end time", grant(vm, vmPolicy, { endsAt: new Date("not a date") }), [enabled], "invalid-input", /no valid end time/],
    ["an end after the year 9999", grant(vm, vmPolicy, { endsAt: new Date("+010000-01-01T00:00:00Z") }), [enabled], "invalid-input", /no valid end time/],
    ["no port", grant(vm, vmPolicy, { ports: [] }), [enabled], "invalid-input", /opens no port/],
    ["a VM JIT does not protect yet", grant(unprotected, vmPolicy), [bare], "not-enabled", /NSG nsg-bare has no JIT Deny rule for VM vm1 \(TCP, IPv4\)/],
    ["an NSG that was not read", grant(vm, vmPolicy), [], "nsg-missing", /was not read/],
  ])("refuses %s", (_, subject, nsgs, reason, message) => {
    const result = planGrant({ grants: [subject], nsgs });
    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok ? "" : result.message).toMatch(message);
  });

  it("refuses the same grant twice in a batch, and a grant superseding itself", () => {
    expect(planGrant({ grants: [grant(vm, vmPolicy), grant(vm, vmPolicy)], nsgs: [enabled] })).toMatchObject({ ok: false, reason: "invalid-input" });
    expect(planGrant({ grants: [grant(vm, vmPolicy)], supersedes: ["g-1"], nsgs: [enabled] })).toMatchObject({ ok: false, reason: "invalid-input" });
  });
});

describe("planExpire", () => {
  const nicNsg = nsg("nsg-nic", []);
  const vm = vmPosition("vm1", [{ ips: ["10.1.0.4"], nicNsg }]);
  const vmPolicy = policy(port(22));
  const [enabled = nicNsg] = enabledSetup([nicNsg], vm, vmPolicy);
  const granted = after(planGrant({ grants: [grant(vm, vmPolicy), grant(vm, vmPolicy, { id: "g-2", sourcePrefixes: ["198.51.100.9"] })], nsgs: [enabled] }), enabled);

  it("closes only the named grants, from the NSG alone", () => {
    const result = planExpire({ grantIds: ["g-1"], nsgs: [granted] });
    expect(changeOf(result, granted).diff.removed.map((r) => r.description)).toEqual(["portcullis grant=g-1 expires=2026-11-24T14:05:00Z"]);
  });

  it("an unknown grant changes nothing", () => {
    expect(planExpire({ grantIds: ["g-404"], nsgs: [granted] })).toEqual({ ok: true, changes: [], unchanged: [granted.id] });
  });

  it("closing every grant gives back the NSG after enable", () => {
    expect(after(planExpire({ grantIds: ["g-1", "g-2"], nsgs: [granted] }), granted)).toEqual(enabled);
  });
});
