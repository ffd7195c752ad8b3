import { describe, expect, it } from "vitest";
import type { GrantPort } from "../planner/types.ts";
import { portsOverlap, supersededGrants } from "./supersede.ts";
import type { ExistingGrant } from "./supersede.ts";

const vm = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1";
const alice = "11111111-1111-1111-1111-111111111111";
const bob = "22222222-2222-2222-2222-222222222222";
const tcp = (port: number): GrantPort => ({ port, protocol: "TCP" });
const udp = (port: number): GrantPort => ({ port, protocol: "UDP" });
const anyProtocol = (port: number): GrantPort => ({ port, protocol: "Any" });

function existing(id: string, overrides: Partial<ExistingGrant> = {}): ExistingGrant {
  return { id, requesterOid: alice, vmId: vm, ports: [tcp(22)], status: "open", ...overrides };
}

describe("supersededGrants", () => {
  it.each<{ when: string; grants: ExistingGrant[]; ports?: GrantPort[]; expected: string[] }>([
    { when: "the requester's open grant on the same port", grants: [existing("g1")], expected: ["g1"] },
    { when: "a grant that shares one of several ports (it closes whole)", grants: [existing("g1", { ports: [tcp(3389), tcp(22)] })], expected: ["g1"] },
    { when: "the VM id in another case (ARM ids ignore case)", grants: [existing("g1", { vmId: vm.toUpperCase() })], expected: ["g1"] },
    { when: "an Any grant against a TCP request", grants: [existing("g1", { ports: [anyProtocol(22)] })], expected: ["g1"] },
    { when: "a UDP grant against an Any request", grants: [existing("g1", { ports: [udp(22)] })], ports: [anyProtocol(22)], expected: ["g1"] },
    { when: "several overlapping grants, in the order given", grants: [existing("g2"), existing("g1", { ports: [tcp(22), tcp(3389)] }), existing("g2")], expected: ["g2", "g1"] },
    { when: "a UDP grant against a TCP request", grants: [existing("g1", { ports: [udp(22)] })], expected: [] },
    { when: "another port", grants: [existing("g1", { ports: [tcp(3389)] })], expected: [] },
    { when: "another requester's grant", grants: [existing("g1", { requesterOid: bob })], expected: [] },
    { when: "a grant on another VM", grants: [existing("g1", { vmId: `${vm}2` })], expected: [] },
    { when: "a pending grant", grants: [existing("g1", { status: "pending" })], expected: [] },
    { when: "a closed grant", grants: [existing("g1", { status: "closed" })], expected: [] },
    { when: "a rejected grant", grants: [existing("g1", { status: "rejected" })], expected: [] },
    { when: "no grants", grants: [], expected: [] },
  ])("with $when, names $expected", ({ grants, ports, expected }) => {
    expect(supersededGrants(grants, { requesterOid: alice, vmId: vm, ports: ports ?? [tcp(22)] })).toEqual(expected);
  });
});

describe("portsOverlap", () => {
  it.each<[GrantPort[], GrantPort[], boolean]>([
    [[tcp(22)], [tcp(22)], true],
    [[anyProtocol(22)], [udp(22)], true],
    [[tcp(22)], [anyProtocol(22)], true],
    [[tcp(22)], [udp(22)], false],
    [[tcp(22)], [tcp(2222)], false],
    [[tcp(22), udp(53)], [tcp(3389), anyProtocol(53)], true],
    [[], [tcp(22)], false],
  ])("%j and %j overlap: %s", (a, b, expected) => {
    expect(portsOverlap(a, b)).toBe(expected);
    expect(portsOverlap(b, a)).toBe(expected);
  });
});
