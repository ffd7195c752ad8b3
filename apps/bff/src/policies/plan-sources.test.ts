import type { JitPolicy, Nsg, PlanResult, VmPolicyTarget } from "@portcullis/core";
import { describe, expect, it } from "vitest";
import { enableSource, removeSource } from "./plan-sources.ts";

const sub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers";
const nsg: Nsg = {
  id: `${sub}/Microsoft.Network/networkSecurityGroups/nsg-shared`,
  name: "nsg-shared",
  resourceGroup: "rg",
  location: "westeurope",
  rules: [
    { name: "Allow-SSH", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefixes: ["*"], sourcePortRanges: ["*"], destinationAddressPrefixes: ["*"], destinationPortRanges: ["22"] },
    { name: "Allow-Web", priority: 101, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefixes: ["*"], sourcePortRanges: ["*"], destinationAddressPrefixes: ["*"], destinationPortRanges: ["443"] },
  ],
};

const policy = (...ports: number[]): JitPolicy => ({ ports: ports.map((port) => ({ port, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestMinutes: 180 })) });
const target = (name: string, ip: string, p: JitPolicy): VmPolicyTarget => ({
  position: { vmId: `${sub}/Microsoft.Compute/virtualMachines/${name}`, vmName: name, nics: [{ id: `nic-${name}`, privateIps: [ip], nsgId: null, subnetNsgId: nsg.id }] },
  policy: p,
});

function applied(start: Nsg, result: PlanResult): Nsg {
  if (!result.ok) throw new Error(result.message);
  const change = result.changes.find((c) => c.nsgId === start.id);
  return change === undefined ? start : { ...start, rules: change.rules };
}

const sorted = (n: Nsg) => [...n.rules].sort((a, b) => a.name.localeCompare(b.name));

describe("undoing a policy change (the rollback plan)", () => {
  it("after enabling a new VM and editing another, undo gives back the NSG as it was, priorities included", () => {
    const before = applied(nsg, enableSource([target("old", "10.0.0.5", policy(22))], []).plan([nsg]));
    const source = enableSource([target("new", "10.0.0.4", policy(22, 3389)), target("old", "10.0.0.5", policy(22, 5986))], [target("old", "10.0.0.5", policy(22))]);
    const after = applied(before, source.plan([before]));
    expect(after.rules.length).toBeGreaterThan(before.rules.length);
    expect(sorted(applied(after, source.undo([after])))).toEqual(sorted(before));
  });

  it("when undo changes nothing (the write never landed), it plans no write", () => {
    const source = enableSource([target("new", "10.0.0.4", policy(22))], []);
    const undo = source.undo([nsg]);
    expect(undo).toMatchObject({ ok: true, changes: [] });
  });

  it("after removing a policy, undo puts its rules back exactly", () => {
    const previous = [target("old", "10.0.0.5", policy(22, 3389))];
    const enabled = applied(nsg, enableSource(previous, []).plan([nsg]));
    const source = removeSource([previous[0]?.position.vmId ?? ""], previous);
    const removed = applied(enabled, source.plan([enabled]));
    expect(sorted(removed)).toEqual(sorted(nsg));
    expect(sorted(applied(removed, source.undo([removed])))).toEqual(sorted(enabled));
  });
});
