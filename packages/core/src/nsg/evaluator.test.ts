import { describe, expect, it } from "vitest";
import { nsg, rule } from "../test-support/fixtures.ts";
import { evaluateNsgRules, parseFlow } from "./evaluator.ts";
import type { Flow, NsgRule } from "./types.ts";

const vnet = ["10.1.0.0/16", "2001:db8:1::/48"];
const ssh = (source: string, destination = "10.1.0.4"): Flow => ({ source, destination, port: 22, protocol: "Tcp" });
const allowSshFrom = (...sources: string[]) => [rule({ name: "allow-ssh", priority: 300, sourceAddressPrefixes: sources })];

interface Case {
  when: string;
  rules: NsgRule[];
  flow: Flow;
  ctx?: string[];
  access: "Allow" | "Deny";
  ruleName: string;
}

const cases: Case[] = [
  // Default rules
  { when: "no custom rule and an Internet source", rules: [], flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "no custom rule and a source in the VNet", rules: [], flow: ssh("10.1.7.9"), access: "Allow", ruleName: "AllowVnetInBound" },
  { when: "no custom rule and the Azure load balancer", rules: [], flow: ssh("168.63.129.16"), access: "Allow", ruleName: "AllowAzureLoadBalancerInBound" },
  { when: "no custom rule and a private source outside the VNet", rules: [], flow: ssh("10.2.0.5"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "no custom rule and an IPv6 source in the VNet", rules: [], flow: ssh("2001:db8:1::9", "2001:db8:1::4"), access: "Allow", ruleName: "AllowVnetInBound" },
  // Sources that cover every Internet host
  { when: "an Allow from *", rules: allowSshFrom("*"), flow: ssh("Internet"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from Any", rules: allowSshFrom("Any"), flow: ssh("Internet"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from Internet", rules: allowSshFrom("Internet"), flow: ssh("Internet"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from internet (tags ignore case)", rules: allowSshFrom("internet"), flow: ssh("Internet"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from 0.0.0.0/0 to an IPv4 VM", rules: allowSshFrom("0.0.0.0/0"), flow: ssh("Internet"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from 0.0.0.0/0 to an IPv6 VM", rules: allowSshFrom("0.0.0.0/0"), flow: ssh("Internet", "2001:db8:1::4"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from ::/0 to an IPv6 VM", rules: allowSshFrom("::/0"), flow: ssh("Internet", "2001:db8:1::4"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from ::/0 to an IPv4 VM", rules: allowSshFrom("::/0"), flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from Internet to an IPv6 VM", rules: allowSshFrom("Internet"), flow: ssh("Internet", "2001:db8:1::4"), access: "Allow", ruleName: "allow-ssh" },
  // Sources that do not
  { when: "an Allow from an office range and an Internet source", rules: allowSshFrom("203.0.113.0/24"), flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from an office range and a host in it", rules: allowSshFrom("203.0.113.0/24"), flow: ssh("203.0.113.7"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from an office range and a host outside it", rules: allowSshFrom("203.0.113.0/24"), flow: ssh("198.51.100.1"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from a bare IP and that host", rules: allowSshFrom("203.0.113.7"), flow: ssh("203.0.113.7"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from an IPv6 range and a host in it", rules: allowSshFrom("2a01:111::/32"), flow: ssh("2a01:111:f00::1", "2001:db8:1::4"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from an IPv6 range and an Internet source", rules: allowSshFrom("2a01:111::/32"), flow: ssh("Internet", "2001:db8:1::4"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from VirtualNetwork and an Internet source", rules: allowSshFrom("VirtualNetwork"), flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from AzureLoadBalancer and an Internet source", rules: allowSshFrom("AzureLoadBalancer"), flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from an unsupported service tag", rules: allowSshFrom("Storage"), flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from a malformed prefix", rules: allowSshFrom("10.0.0.0/99"), flow: ssh("10.0.0.1"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "the VNet's address space holds 0.0.0.0/0", rules: [], flow: ssh("Internet"), ctx: ["0.0.0.0/0"], access: "Allow", ruleName: "AllowVnetInBound" },
  // Internet tag against concrete sources
  { when: "an Allow from Internet and a public source", rules: allowSshFrom("Internet"), flow: ssh("8.8.8.8"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from Internet and a public IPv6 source", rules: allowSshFrom("Internet"), flow: ssh("2603:1000::1", "2001:db8:1::4"), access: "Allow", ruleName: "allow-ssh" },
  { when: "an Allow from Internet and an RFC 1918 source", rules: allowSshFrom("Internet"), flow: ssh("192.168.1.1"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from Internet and a CGNAT source", rules: allowSshFrom("Internet"), flow: ssh("100.64.0.1"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Allow from Internet and a ULA source", rules: allowSshFrom("Internet"), flow: ssh("fd00::1", "2001:db8:1::4"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "a Deny from Internet and the Azure platform IP", rules: [rule({ name: "deny-internet", priority: 100, access: "Deny", sourceAddressPrefixes: ["Internet"] })], flow: ssh("168.63.129.16"), access: "Allow", ruleName: "AllowAzureLoadBalancerInBound" },
  { when: "an Allow from Internet and a public source inside the VNet's space", rules: allowSshFrom("Internet"), flow: ssh("20.1.0.5", "20.1.0.4"), ctx: ["20.1.0.0/16"], access: "Allow", ruleName: "AllowVnetInBound" },
  // Priority and access
  {
    when: "a Deny at a lower number than an Allow",
    rules: [rule({ name: "allow-any", priority: 200 }), rule({ name: "deny-ssh", priority: 100, access: "Deny" })],
    flow: ssh("Internet"),
    access: "Deny",
    ruleName: "deny-ssh",
  },
  {
    when: "an Allow at a lower number than a Deny",
    rules: [rule({ name: "deny-ssh", priority: 4096, access: "Deny" }), rule({ name: "allow-any", priority: 150 })],
    flow: ssh("Internet"),
    access: "Allow",
    ruleName: "allow-any",
  },
  {
    when: "a Deny that covers only an office range ahead of an Allow from *",
    rules: [rule({ name: "deny-office", priority: 100, access: "Deny", sourceAddressPrefixes: ["203.0.113.0/24"] }), rule({ name: "allow-any", priority: 200 })],
    flow: ssh("Internet"),
    access: "Allow",
    ruleName: "allow-any",
  },
  {
    when: "a custom Deny from * ahead of the VNet default",
    rules: [rule({ name: "deny-all", priority: 4000, access: "Deny", destinationPortRanges: ["*"], protocol: "*" })],
    flow: ssh("10.1.0.9"),
    access: "Deny",
    ruleName: "deny-all",
  },
  // Protocol
  { when: "a Udp rule and a Tcp flow", rules: [rule({ name: "allow-udp", priority: 300, protocol: "Udp" })], flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "an Icmp rule and a Tcp flow", rules: [rule({ name: "allow-icmp", priority: 300, protocol: "Icmp" })], flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "a * rule and a Udp flow", rules: [rule({ name: "allow-all", priority: 300, protocol: "*" })], flow: { ...ssh("Internet"), protocol: "Udp" }, access: "Allow", ruleName: "allow-all" },
  { when: "a Tcp rule and a Udp flow", rules: [rule({ name: "allow-tcp", priority: 300 })], flow: { ...ssh("Internet"), protocol: "Udp" }, access: "Deny", ruleName: "DenyAllInBound" },
  // Destination ports
  { when: "a port range containing the port", rules: [rule({ name: "range", priority: 300, destinationPortRanges: ["1000-2000"] })], flow: { ...ssh("Internet"), port: 1500 }, access: "Allow", ruleName: "range" },
  { when: "a port range ending at the port", rules: [rule({ name: "range", priority: 300, destinationPortRanges: ["1000-2000"] })], flow: { ...ssh("Internet"), port: 2000 }, access: "Allow", ruleName: "range" },
  { when: "a port range not containing the port", rules: [rule({ name: "range", priority: 300, destinationPortRanges: ["1000-2000"] })], flow: { ...ssh("Internet"), port: 2001 }, access: "Deny", ruleName: "DenyAllInBound" },
  { when: "several port ranges, one matching", rules: [rule({ name: "multi", priority: 300, destinationPortRanges: ["22", "3389"] })], flow: { ...ssh("Internet"), port: 3389 }, access: "Allow", ruleName: "multi" },
  { when: "a * port range", rules: [rule({ name: "all-ports", priority: 300, destinationPortRanges: ["*"] })], flow: { ...ssh("Internet"), port: 5986 }, access: "Allow", ruleName: "all-ports" },
  { when: "a single port that differs", rules: [rule({ name: "rdp", priority: 300, destinationPortRanges: ["3389"] })], flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  // Source ports
  { when: "a rule limited to high source ports and an unknown client port", rules: [rule({ name: "high", priority: 300, sourcePortRanges: ["1024-65535"] })], flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "a rule limited to high source ports and a client port in them", rules: [rule({ name: "high", priority: 300, sourcePortRanges: ["1024-65535"] })], flow: { ...ssh("Internet"), sourcePort: 50000 }, access: "Allow", ruleName: "high" },
  { when: "a rule with source ports 0-65535 and an unknown client port", rules: [rule({ name: "full", priority: 300, sourcePortRanges: ["0-65535"] })], flow: ssh("Internet"), access: "Allow", ruleName: "full" },
  // Destination prefixes
  { when: "a destination that is the VM's IP", rules: [rule({ name: "to-vm", priority: 300, destinationAddressPrefixes: ["10.1.0.4"] })], flow: ssh("Internet"), access: "Allow", ruleName: "to-vm" },
  { when: "a destination that is another VM's IP", rules: [rule({ name: "to-other", priority: 300, destinationAddressPrefixes: ["10.1.0.5"] })], flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
  { when: "a destination range holding the VM", rules: [rule({ name: "to-subnet", priority: 300, destinationAddressPrefixes: ["10.1.0.0/24"] })], flow: ssh("Internet"), access: "Allow", ruleName: "to-subnet" },
  { when: "a destination of VirtualNetwork", rules: [rule({ name: "to-vnet", priority: 300, destinationAddressPrefixes: ["VirtualNetwork"] })], flow: ssh("Internet"), access: "Allow", ruleName: "to-vnet" },
  { when: "an IPv6 destination range holding the VM", rules: [rule({ name: "to-v6", priority: 300, destinationAddressPrefixes: ["2001:db8:1::/64"] })], flow: ssh("Internet", "2001:db8:1::4"), access: "Allow", ruleName: "to-v6" },
  { when: "an IPv4 destination range and an IPv6 VM", rules: [rule({ name: "to-v4", priority: 300, destinationAddressPrefixes: ["10.1.0.0/16"] })], flow: ssh("Internet", "2001:db8:1::4"), access: "Deny", ruleName: "DenyAllInBound" },
  // Direction
  { when: "only an outbound Allow exists", rules: [rule({ name: "out", priority: 300, direction: "Outbound" })], flow: ssh("Internet"), access: "Deny", ruleName: "DenyAllInBound" },
];

describe("evaluateNsgRules (inbound)", () => {
  it.each(cases)("when $when, then $access by $ruleName", ({ rules, flow, ctx, access, ruleName }) => {
    const verdict = evaluateNsgRules(rules, flow, { virtualNetworkPrefixes: ctx ?? vnet });
    expect(verdict.access).toBe(access);
    expect(verdict.rule.name).toBe(ruleName);
    expect(verdict.rule.isDefault).toBe(!rules.some((r) => r.name === ruleName));
  });

  it("reports the priority and the source prefix that matched, as written", () => {
    const rules = [rule({ name: "allow-ssh", priority: 310, sourceAddressPrefixes: ["203.0.113.0/24", "Internet"] })];
    expect(evaluateNsgRules(rules, ssh("Internet"), { virtualNetworkPrefixes: vnet }).rule).toEqual({
      name: "allow-ssh",
      priority: 310,
      isDefault: false,
      access: "Allow",
      protocol: "Tcp",
      source: "Internet",
    });
  });

  it("when given an NSG's rules, then defaults still decide what no custom rule does", () => {
    const web = nsg("nsg-web", allowSshFrom("*"));
    expect(evaluateNsgRules(web.rules, { ...ssh("Internet"), port: 3389 }, { virtualNetworkPrefixes: vnet }).rule.name).toBe("DenyAllInBound");
  });
});

describe("evaluateNsgRules (outbound)", () => {
  it.each([
    { when: "a VM reaches the Internet", rules: [], flow: { source: "10.1.0.4", destination: "Internet", port: 443, protocol: "Tcp" as const }, access: "Allow", ruleName: "AllowInternetOutBound" },
    { when: "a VM reaches the VNet", rules: [], flow: { source: "10.1.0.4", destination: "10.1.2.3", port: 443, protocol: "Tcp" as const }, access: "Allow", ruleName: "AllowVnetOutBound" },
    { when: "a VM reaches a private host outside the VNet", rules: [], flow: { source: "10.1.0.4", destination: "10.9.0.1", port: 443, protocol: "Tcp" as const }, access: "Deny", ruleName: "DenyAllOutBound" },
    {
      when: "an outbound Deny to Internet exists",
      rules: [rule({ name: "no-web", priority: 100, direction: "Outbound", access: "Deny", destinationAddressPrefixes: ["Internet"], destinationPortRanges: ["443"] })],
      flow: { source: "10.1.0.4", destination: "Internet", port: 443, protocol: "Tcp" as const },
      access: "Deny",
      ruleName: "no-web",
    },
  ])("when $when, then $access by $ruleName", ({ rules, flow, access, ruleName }) => {
    const verdict = evaluateNsgRules(rules, flow, { virtualNetworkPrefixes: vnet }, "Outbound");
    expect(verdict).toMatchObject({ access, rule: { name: ruleName } });
  });
});

describe("parseFlow", () => {
  it.each([
    [{ source: "Internet", destination: "Internet", port: 22, protocol: "Tcp" as const }],
    [{ source: "not-an-ip", destination: "10.0.0.1", port: 22, protocol: "Tcp" as const }],
    [{ source: "Internet", destination: "10.0.0.1/32", port: 22, protocol: "Tcp" as const }],
  ])("when a flow endpoint is not an address, then it throws: %j", (flow) => {
    expect(() => parseFlow(flow)).toThrow(RangeError);
  });
});
