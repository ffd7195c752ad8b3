import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCidr } from "../net/parse.ts";
import { nsg } from "../test-support/fixtures.ts";
import { evaluateInbound, evaluateNsgRules } from "./evaluator.ts";
import type { Flow, NsgRule } from "./types.ts";

const vnet = ["10.1.0.0/16", "2001:db8:1::/48"];
const ctx = { virtualNetworkPrefixes: vnet };
const runs = { numRuns: 1000 };

const prefixArb = fc.oneof(
  fc.constantFrom("*", "Any", "Internet", "VirtualNetwork", "AzureLoadBalancer", "0.0.0.0/0", "::/0"),
  fc.constantFrom("10.1.0.0/16", "10.1.0.4", "10.1.0.0/24", "203.0.113.0/24", "2001:db8:1::/64", "2001:db8:1::4", "2a01:111::/32"),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, length]) => `${ip}/${length}`),
);
const portRangeArb = fc.oneof(
  fc.constantFrom("*", "22", "3389", "5985-5986", "1000-2000"),
  fc.integer({ min: 0, max: 65535 }).map(String),
);

/** Custom rules with unique priorities, as ARM enforces per direction. */
const rulesArb = fc.uniqueArray(
  fc.record({
    priority: fc.integer({ min: 101, max: 4096 }),
    access: fc.constantFrom("Allow" as const, "Deny" as const),
    protocol: fc.constantFrom("*" as const, "Tcp" as const, "Udp" as const),
    direction: fc.constantFrom("Inbound" as const, "Inbound" as const, "Outbound" as const),
    sourceAddressPrefixes: fc.array(prefixArb, { minLength: 1, maxLength: 3 }),
    destinationAddressPrefixes: fc.array(fc.oneof(fc.constant("*"), prefixArb), { minLength: 1, maxLength: 2 }),
    destinationPortRanges: fc.array(portRangeArb, { minLength: 1, maxLength: 3 }),
  }),
  { selector: (r) => r.priority, maxLength: 12 },
).map((records): NsgRule[] => records.map((r) => ({ ...r, name: `rule-${r.priority}`, sourcePortRanges: ["*"] })));

const flowArb: fc.Arbitrary<Flow> = fc
  .record({
    v6: fc.boolean(),
    source: fc.oneof(fc.constant("Internet"), fc.constantFrom("10.1.0.9", "203.0.113.7", "8.8.8.8", "168.63.129.16", "192.168.0.1"), fc.ipV4()),
    source6: fc.oneof(fc.constant("Internet"), fc.constantFrom("2001:db8:1::9", "2a01:111::7", "fd00::1")),
    port: fc.oneof(fc.constantFrom(22, 3389, 5985, 1500), fc.integer({ min: 0, max: 65535 })),
    protocol: fc.constantFrom("Tcp" as const, "Udp" as const),
  })
  .map(({ v6, source, source6, port, protocol }) =>
    v6 ? { source: source6, destination: "2001:db8:1::4", port, protocol } : { source, destination: "10.1.0.4", port, protocol },
  );

describe("NSG evaluator properties", () => {
  it("a Deny for port P at a lower number than every other rule makes every flow to P denied", () => {
    fc.assert(
      fc.property(rulesArb, flowArb, (rules, flow) => {
        const lowest = Math.min(4096, ...rules.map((r) => r.priority));
        const deny: NsgRule = {
          name: "deny-p",
          priority: lowest - 1,
          direction: "Inbound",
          access: "Deny",
          protocol: "*",
          sourceAddressPrefixes: ["*"],
          sourcePortRanges: ["*"],
          destinationAddressPrefixes: ["*"],
          destinationPortRanges: [String(flow.port)],
        };
        const withDeny = [...rules, deny];
        expect(evaluateNsgRules(withDeny, flow, ctx)).toMatchObject({ access: "Deny", rule: { name: "deny-p" } });
        const both = evaluateInbound({ subnetNsg: nsg("sub", rules), nicNsg: nsg("nic", withDeny), flow, virtualNetworkPrefixes: vnet });
        expect(both.access).toBe("Deny");
      }),
      runs,
    );
  });

  it("the verdict does not depend on the order rules are listed in", () => {
    fc.assert(
      fc.property(
        rulesArb.chain((rules) => fc.tuple(fc.constant(rules), fc.shuffledSubarray(rules, { minLength: rules.length, maxLength: rules.length }))),
        flowArb,
        ([rules, shuffled], flow) => {
          expect(evaluateNsgRules(shuffled, flow, ctx)).toEqual(evaluateNsgRules(rules, flow, ctx));
        },
      ),
      runs,
    );
  });

  it("a level without an NSG never changes the verdict of the other level", () => {
    fc.assert(
      fc.property(rulesArb, flowArb, fc.boolean(), (rules, flow, atNic) => {
        const only = nsg("only", rules);
        const alone = evaluateNsgRules(rules, flow, ctx);
        const verdict = evaluateInbound({ subnetNsg: atNic ? null : only, nicNsg: atNic ? only : null, flow, virtualNetworkPrefixes: vnet });
        expect(verdict.access).toBe(alone.access);
        expect(verdict.decidedBy.map((d) => d.ruleName)).toEqual([alone.rule.name]);
      }),
      runs,
    );
  });

  it("with both levels, a flow is allowed exactly when each level alone allows it", () => {
    fc.assert(
      fc.property(rulesArb, rulesArb, flowArb, (subnetRules, nicRules, flow) => {
        const expected =
          evaluateNsgRules(subnetRules, flow, ctx).access === "Allow" && evaluateNsgRules(nicRules, flow, ctx).access === "Allow" ? "Allow" : "Deny";
        const verdict = evaluateInbound({ subnetNsg: nsg("sub", subnetRules), nicNsg: nsg("nic", nicRules), flow, virtualNetworkPrefixes: vnet });
        expect(verdict.access).toBe(expected);
      }),
      runs,
    );
  });

  it("an Internet flow is allowed only by a rule whose source covers the whole Internet", () => {
    const tags = new Set(["*", "any", "internet"]);
    const coversAll = (prefix: string) => {
      const cidr = parseCidr(prefix);
      return tags.has(prefix.toLowerCase()) || (cidr.ok && cidr.value.prefixLength === 0);
    };
    fc.assert(
      fc.property(rulesArb, flowArb, (rules, flow) => {
        const internetFlow = { ...flow, source: "Internet" };
        const verdict = evaluateNsgRules(rules, internetFlow, ctx);
        if (verdict.access === "Allow") expect(coversAll(verdict.rule.source)).toBe(true);
      }),
      runs,
    );
  });
});
