import { describe, expect, it } from "vitest";
import { nsg, rule } from "../test-support/fixtures.ts";
import { createEvaluationCache } from "./compile.ts";
import { evaluateInbound, evaluateOutbound } from "./evaluator.ts";
import type { Flow } from "./types.ts";

const vnet = ["10.1.0.0/16"];
const internetSsh: Flow = { source: "Internet", destination: "10.1.0.4", port: 22, protocol: "Tcp" };
const allowing = (name: string) => nsg(name, [rule({ name: `${name}-allow-ssh`, priority: 300 })]);
const denying = (name: string) => nsg(name, []);

describe("evaluateInbound: subnet NSG, then NIC NSG", () => {
  it.each([
    { when: "neither level has an NSG", subnet: null, nic: null, access: "Allow", decidedBy: [] },
    { when: "only the subnet has an NSG, which allows", subnet: allowing("sub"), nic: null, access: "Allow", decidedBy: [["subnet", "sub", "sub-allow-ssh", "Allow"]] },
    { when: "only the subnet has an NSG, which denies", subnet: denying("sub"), nic: null, access: "Deny", decidedBy: [["subnet", "sub", "DenyAllInBound", "Deny"]] },
    { when: "only the NIC has an NSG, which allows", subnet: null, nic: allowing("nic"), access: "Allow", decidedBy: [["nic", "nic", "nic-allow-ssh", "Allow"]] },
    { when: "only the NIC has an NSG, which denies", subnet: null, nic: denying("nic"), access: "Deny", decidedBy: [["nic", "nic", "DenyAllInBound", "Deny"]] },
    { when: "both allow", subnet: allowing("sub"), nic: allowing("nic"), access: "Allow", decidedBy: [["subnet", "sub", "sub-allow-ssh", "Allow"], ["nic", "nic", "nic-allow-ssh", "Allow"]] },
    { when: "the subnet allows and the NIC denies", subnet: allowing("sub"), nic: denying("nic"), access: "Deny", decidedBy: [["nic", "nic", "DenyAllInBound", "Deny"]] },
    { when: "the subnet denies and the NIC allows", subnet: denying("sub"), nic: allowing("nic"), access: "Deny", decidedBy: [["subnet", "sub", "DenyAllInBound", "Deny"]] },
    { when: "both deny", subnet: denying("sub"), nic: denying("nic"), access: "Deny", decidedBy: [["subnet", "sub", "DenyAllInBound", "Deny"]] },
  ])("when $when, then $access", ({ subnet, nic, access, decidedBy }) => {
    const verdict = evaluateInbound({ subnetNsg: subnet, nicNsg: nic, flow: internetSsh, virtualNetworkPrefixes: vnet });
    expect(verdict.access).toBe(access);
    expect(verdict.decidedBy.map((d) => [d.level, d.nsgName, d.ruleName, d.access])).toEqual(decidedBy);
  });

  it("names the NSG id, priority and matched source of each decision", () => {
    const sub = allowing("sub");
    const verdict = evaluateInbound({ subnetNsg: sub, nicNsg: null, flow: internetSsh, virtualNetworkPrefixes: vnet });
    expect(verdict.decidedBy).toEqual([
      { level: "subnet", nsgId: sub.id, nsgName: "sub", ruleName: "sub-allow-ssh", priority: 300, access: "Allow", isDefault: false, protocol: "Tcp", source: "*" },
    ]);
  });

  it("gives the same verdicts with a shared cache as without one", () => {
    const cache = createEvaluationCache();
    const sub = allowing("sub");
    const nic = nsg("nic", [rule({ name: "deny-rdp", priority: 100, access: "Deny", destinationPortRanges: ["3389"] }), rule({ name: "allow-all", priority: 200, destinationPortRanges: ["*"] })]);
    for (const port of [22, 3389, 5985]) {
      const flow = { ...internetSsh, port };
      const input = { subnetNsg: sub, nicNsg: nic, flow, virtualNetworkPrefixes: vnet };
      expect(evaluateInbound({ ...input, cache })).toEqual(evaluateInbound(input));
    }
  });
});

describe("evaluateOutbound: NIC NSG, then subnet NSG", () => {
  it("when both deny, then the NIC's rule is the one reported", () => {
    const noWeb = (name: string) =>
      nsg(name, [rule({ name: `${name}-no-web`, priority: 100, direction: "Outbound", access: "Deny", destinationAddressPrefixes: ["Internet"], destinationPortRanges: ["443"] })]);
    const verdict = evaluateOutbound({
      subnetNsg: noWeb("sub"),
      nicNsg: noWeb("nic"),
      flow: { source: "10.1.0.4", destination: "Internet", port: 443, protocol: "Tcp" },
      virtualNetworkPrefixes: vnet,
    });
    expect(verdict).toMatchObject({ access: "Deny", decidedBy: [{ level: "nic", ruleName: "nic-no-web" }] });
  });

  it("when both allow, then the decisions are listed NIC first", () => {
    const verdict = evaluateOutbound({
      subnetNsg: nsg("sub", []),
      nicNsg: nsg("nic", []),
      flow: { source: "10.1.0.4", destination: "Internet", port: 443, protocol: "Tcp" },
      virtualNetworkPrefixes: vnet,
    });
    expect(verdict.decidedBy.map((d) => [d.level, d.ruleName])).toEqual([
      ["nic", "AllowInternetOutBound"],
      ["subnet", "AllowInternetOutBound"],
    ]);
  });
});
