import fc from "fast-check";
import type { Nsg, NsgRule } from "../../nsg/types.ts";
import type { AllowedSources, JitPolicy, JitPortRule, VmPosition } from "../types.ts";

/** Test-only: random NSGs, VMs and policies in one subnet (10.1.0.0/24, 2001:db8:1::/64) of one VNet. */
export const vnetPrefixes = ["10.1.0.0/16", "2001:db8:1::/48"];
/** Hosts of the subnet that are not the VMs': a subnet NSG must keep their verdicts. */
export const otherHosts = ["10.1.0.200", "2001:db8:1::200"];
/** What fixed-source policies allow, and grant sources drawn from inside it. */
export const allowedPrefixes = ["203.0.113.0/24", "2001:db8:ff::/48"];
export const grantSourcePool = ["203.0.113.0/25", "203.0.113.7", "2001:db8:ff::/64", "2001:db8:ff::9"];

const nsgId = (name: string) => `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/networkSecurityGroups/${name}`;

export interface Scenario {
  nsgs: Nsg[];
  vms: Array<{ position: VmPosition; policy: JitPolicy }>;
  /** Where each destination's traffic is decided: the subnet's NSG and the NIC's. */
  destinations: Array<{ ip: string; subnetNsgId: string | null; nicNsgId: string | null }>;
}

const sourcePrefixArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("*", "Internet", "VirtualNetwork", "AzureLoadBalancer", "0.0.0.0/0", "::/0") },
  { weight: 3, arbitrary: fc.constantFrom("10.1.0.0/16", "10.1.0.0/24", "203.0.113.0/24", "203.0.113.7", "198.51.100.0/24", "2001:db8:ff::/48", "2a01:111::/32") },
  { weight: 1, arbitrary: fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, length]) => `${ip}/${length}`) },
);
const destinationPrefixArb = fc.constantFrom(
  "*",
  "*",
  "VirtualNetwork",
  "Internet",
  "AzureLoadBalancer",
  "10.1.0.0/24",
  "10.1.0.0/16",
  "10.1.0.4",
  "10.1.0.5",
  "10.1.0.6",
  "10.1.0.200",
  "10.1.0.0/30",
  "2001:db8:1::/64",
  "2001:db8:1::4",
  "2001:db8:1::6",
  "192.168.0.0/16",
);
const portRangeArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("*", "22", "3389", "5985-5986", "20-25", "1000-2000", "53", "80", "5985") },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 65535 }).map(String) },
);

const ruleContentArb = fc.record({
  access: fc.constantFrom("Allow" as const, "Allow" as const, "Deny" as const),
  protocol: fc.constantFrom("Tcp" as const, "Udp" as const, "*" as const, "*" as const, "Icmp" as const),
  sourceAddressPrefixes: fc.array(sourcePrefixArb, { minLength: 1, maxLength: 2 }),
  sourcePortRanges: fc.constantFrom("*", "*", "*", "1024-65535").map((range) => [range]),
  destinationAddressPrefixes: fc.array(destinationPrefixArb, { minLength: 1, maxLength: 2 }),
  destinationPortRanges: fc.array(portRangeArb, { minLength: 1, maxLength: 2 }),
  description: fc.option(fc.constantFrom("managed by terraform", "ops exception"), { nil: undefined }),
});

/** Inbound priorities with dense runs (from 100, somewhere in the middle, up to 4096) and scattered ones. */
const densePrioritiesArb = fc
  .record({
    low: fc.integer({ min: 0, max: 5 }),
    middleStart: fc.integer({ min: 100, max: 4090 }),
    middle: fc.integer({ min: 0, max: 6 }),
    top: fc.integer({ min: 0, max: 3 }),
    scattered: fc.array(fc.integer({ min: 100, max: 4096 }), { maxLength: 6 }),
  })
  .map(({ low, middleStart, middle, top, scattered }) => {
    const all = new Set<number>(scattered);
    for (let i = 0; i < low; i++) all.add(100 + i);
    for (let i = 0; i < middle; i++) all.add(Math.min(4096, middleStart + i));
    for (let i = 0; i < top; i++) all.add(4096 - i);
    return [...all].sort((a, b) => a - b);
  });

/** Priorities ten apart: there is always room directly ahead of every rule. */
const sparsePrioritiesArb = fc.uniqueArray(fc.integer({ min: 11, max: 408 }), { maxLength: 10 }).map((tens) => tens.map((t) => t * 10).sort((a, b) => a - b));

function rulesArb(priorities: fc.Arbitrary<number[]>): fc.Arbitrary<NsgRule[]> {
  return priorities.chain((inbound) =>
    fc
      .tuple(
        fc.array(ruleContentArb, { minLength: inbound.length, maxLength: inbound.length }),
        fc.uniqueArray(fc.record({ priority: fc.integer({ min: 100, max: 4096 }), content: ruleContentArb }), { selector: (r) => r.priority, maxLength: 2 }),
      )
      .map(([contents, outbound]) => [
        ...contents.map((content, i): NsgRule => ({ ...content, name: `in-${inbound[i]}`, priority: inbound[i] ?? 100, direction: "Inbound" })),
        ...outbound.map(({ priority, content }): NsgRule => ({ ...content, name: `out-${priority}`, priority, direction: "Outbound" })),
      ]),
  );
}

const allowedSourcesArb: fc.Arbitrary<AllowedSources> = fc.constantFrom<AllowedSources>(
  { kind: "per-request" },
  { kind: "any" },
  { kind: "prefixes", prefixes: allowedPrefixes },
);

const portRuleArb: fc.Arbitrary<JitPortRule> = fc.record({
  port: fc.oneof(fc.constantFrom(22, 3389, 5985, 5986, 53, 80, 1500), fc.integer({ min: 0, max: 65535 })),
  protocol: fc.constantFrom("TCP" as const, "UDP" as const, "Any" as const),
  allowedSources: allowedSourcesArb,
  maxRequestMinutes: fc.constantFrom(5, 180, 1440),
});

export const policyArb: fc.Arbitrary<JitPolicy> = fc.uniqueArray(portRuleArb, { selector: (rule) => rule.port, minLength: 1, maxLength: 3 }).map((ports) => ({ ports }));

type NicNsgChoice = "none" | "own" | "shared";

const topologyArb = fc.record({
  subnetNsg: fc.boolean(),
  vmCount: fc.integer({ min: 1, max: 2 }),
  secondNic: fc.boolean(),
  ipv6: fc.tuple(fc.boolean(), fc.boolean()),
  nicNsgs: fc.tuple(fc.constantFrom<NicNsgChoice>("none", "own", "shared"), fc.constantFrom<NicNsgChoice>("none", "own", "shared"), fc.constantFrom<NicNsgChoice>("none", "own", "shared")),
});

function scenarioArb(priorities: fc.Arbitrary<number[]>): fc.Arbitrary<Scenario> {
  return topologyArb.chain((topology) => {
    const subnetNsgId = topology.subnetNsg ? nsgId("nsg-subnet") : null;
    // NICs: vm0 has nic0 (and nic1), vm1 has nic2.
    const nics = [
      { vm: 0, ips: ["10.1.0.4", ...(topology.ipv6[0] ? ["2001:db8:1::4"] : [])] },
      ...(topology.secondNic ? [{ vm: 0, ips: ["10.1.0.5"] }] : []),
      ...(topology.vmCount > 1 ? [{ vm: 1, ips: ["10.1.0.6", ...(topology.ipv6[1] ? ["2001:db8:1::6"] : [])] }] : []),
    ].map((nic, index) => {
      let choice = topology.nicNsgs[index] ?? "none";
      if (choice === "none" && subnetNsgId === null) choice = "own";
      const id = choice === "none" ? null : choice === "shared" ? nsgId("nsg-nic-shared") : nsgId(`nsg-nic-${index}`);
      return { ...nic, id: `nic-${index}`, nsgId: id };
    });
    const nsgIds = [...new Set([subnetNsgId, ...nics.map((nic) => nic.nsgId)].filter((id) => id !== null))];
    return fc
      .tuple(
        fc.array(rulesArb(priorities), { minLength: nsgIds.length, maxLength: nsgIds.length }),
        fc.array(policyArb, { minLength: topology.vmCount, maxLength: topology.vmCount }),
      )
      .map(([ruleSets, policies]): Scenario => {
        const nsgs = nsgIds.map((id, i): Nsg => ({ id, name: id.split("/").pop() ?? id, resourceGroup: "rg-net", location: "westeurope", rules: ruleSets[i] ?? [] }));
        const vms = policies.map((policy, vm) => ({
          policy,
          position: {
            vmId: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm-${vm}`,
            vmName: `vm-${vm}`,
            nics: nics.filter((nic) => nic.vm === vm).map((nic) => ({ id: nic.id, privateIps: nic.ips, nsgId: nic.nsgId, subnetNsgId })),
          },
        }));
        const destinations = [
          ...nics.flatMap((nic) => nic.ips.map((ip) => ({ ip, subnetNsgId, nicNsgId: nic.nsgId }))),
          ...otherHosts.map((ip) => ({ ip, subnetNsgId, nicNsgId: null })),
        ];
        return { nsgs, vms, destinations };
      });
  });
}

/** Dense and scattered priorities: renumbering happens. */
export const denseScenarioArb = scenarioArb(densePrioritiesArb);
/** Priorities ten apart: no renumbering is ever needed. */
export const sparseScenarioArb = scenarioArb(sparsePrioritiesArb);
