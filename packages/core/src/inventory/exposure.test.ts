import type { Exposure } from "@portcullis/contract";
import { describe, expect, it } from "vitest";
import { nsg, rule } from "../test-support/fixtures.ts";
import { computeExposure, mergeExposure } from "./exposure.ts";

const vnet = ["10.1.0.0/16", "2001:db8:1::/48"];
const sshAny = (name: string) => nsg(name, [rule({ name: "allow-ssh-any", priority: 300 })]);
const entry = (port: number, nsgName: string, ruleName: string, priority: number, source: string, protocol: Exposure["protocol"] = "TCP"): Exposure => ({
  port,
  protocol,
  nsgName,
  ruleName,
  priority,
  source,
});

describe("computeExposure", () => {
  it.each([
    { when: "neither level has an NSG", subnet: null, nic: null, ips: ["10.1.0.4"], expected: [] },
    { when: "the NIC's NSG allows SSH from *", subnet: null, nic: sshAny("nsg-nic"), ips: ["10.1.0.4"], expected: [entry(22, "nsg-nic", "allow-ssh-any", 300, "*")] },
    { when: "only the subnet's NSG allows SSH from *", subnet: sshAny("nsg-sub"), nic: null, ips: ["10.1.0.4"], expected: [entry(22, "nsg-sub", "allow-ssh-any", 300, "*")] },
    { when: "both levels allow SSH from *", subnet: sshAny("nsg-sub"), nic: sshAny("nsg-nic"), ips: ["10.1.0.4"], expected: [entry(22, "nsg-nic", "allow-ssh-any", 300, "*")] },
    { when: "the subnet allows SSH but the NIC has only defaults", subnet: sshAny("nsg-sub"), nic: nsg("nsg-nic", []), ips: ["10.1.0.4"], expected: [] },
    {
      when: "SSH is allowed only from an office range",
      subnet: null,
      nic: nsg("nsg-nic", [rule({ name: "allow-office", priority: 200, sourceAddressPrefixes: ["203.0.113.0/24"] })]),
      ips: ["10.1.0.4"],
      expected: [],
    },
    {
      when: "RDP and WinRM are open on protocol * from Internet",
      subnet: null,
      nic: nsg("nsg-nic", [rule({ name: "allow-win", priority: 400, protocol: "*", sourceAddressPrefixes: ["Internet"], destinationPortRanges: ["3389", "5985-5986"] })]),
      ips: ["10.1.0.4"],
      expected: [entry(3389, "nsg-nic", "allow-win", 400, "Internet", "Any"), entry(5985, "nsg-nic", "allow-win", 400, "Internet", "Any"), entry(5986, "nsg-nic", "allow-win", 400, "Internet", "Any")],
    },
    {
      when: "all ports are open and a Deny covers SSH first",
      subnet: null,
      nic: nsg("nsg-nic", [rule({ name: "deny-ssh", priority: 100, access: "Deny" }), rule({ name: "allow-all", priority: 200, destinationPortRanges: ["*"], sourceAddressPrefixes: ["0.0.0.0/0"] })]),
      ips: ["10.1.0.4"],
      expected: [entry(3389, "nsg-nic", "allow-all", 200, "0.0.0.0/0"), entry(5985, "nsg-nic", "allow-all", 200, "0.0.0.0/0"), entry(5986, "nsg-nic", "allow-all", 200, "0.0.0.0/0")],
    },
    {
      when: "only UDP is open",
      subnet: null,
      nic: nsg("nsg-nic", [rule({ name: "allow-udp", priority: 300, protocol: "Udp", destinationPortRanges: ["*"] })]),
      ips: ["10.1.0.4"],
      expected: [],
    },
    {
      when: "only the second IP of the NIC is open",
      subnet: null,
      nic: nsg("nsg-nic", [rule({ name: "to-second", priority: 300, destinationAddressPrefixes: ["10.1.0.5"] })]),
      ips: ["10.1.0.4", "10.1.0.5"],
      expected: [entry(22, "nsg-nic", "to-second", 300, "*")],
    },
    { when: "two IPs are open on the same port", subnet: null, nic: sshAny("nsg-nic"), ips: ["10.1.0.4", "10.1.0.5"], expected: [entry(22, "nsg-nic", "allow-ssh-any", 300, "*")] },
    {
      when: "an IPv6 IP is open from ::/0",
      subnet: null,
      nic: nsg("nsg-nic", [rule({ name: "v6-ssh", priority: 300, sourceAddressPrefixes: ["::/0"] })]),
      ips: ["10.1.0.4", "2001:db8:1::4"],
      expected: [entry(22, "nsg-nic", "v6-ssh", 300, "::/0")],
    },
    {
      when: "an ip configuration holds a prefix and a rule opens SSH to one address inside it",
      subnet: null,
      nic: nsg("nsg-nic", [rule({ name: "to-one-container", priority: 300, destinationAddressPrefixes: ["10.1.0.21"] })]),
      ips: ["10.1.0.4", "10.1.0.16/28"],
      expected: [entry(22, "nsg-nic", "to-one-container", 300, "*")],
    },
    {
      when: "an ip configuration holds a prefix and a Deny covers its first half, an Allow the rest",
      subnet: null,
      nic: nsg("nsg-nic", [rule({ name: "deny-half", priority: 200, access: "Deny", destinationAddressPrefixes: ["10.1.0.16/29"] }), rule({ name: "allow-block", priority: 300, destinationAddressPrefixes: ["10.1.0.16/28"] })]),
      ips: ["10.1.0.16/28"],
      expected: [entry(22, "nsg-nic", "allow-block", 300, "*")],
    },
    {
      when: "an ip configuration holds a prefix and the only Allow targets addresses outside it",
      subnet: null,
      nic: nsg("nsg-nic", [rule({ name: "to-neighbour", priority: 300, destinationAddressPrefixes: ["10.1.0.32/28"] })]),
      ips: ["10.1.0.16/28"],
      expected: [],
    },
    { when: "an IP does not parse, it is skipped", subnet: null, nic: sshAny("nsg-nic"), ips: ["not-an-ip", "10.1.0.4"], expected: [entry(22, "nsg-nic", "allow-ssh-any", 300, "*")] },
    { when: "the NIC has no IP", subnet: null, nic: sshAny("nsg-nic"), ips: [], expected: [] },
  ])("when $when, then the exposure is $expected.length port(s)", ({ subnet, nic, ips, expected }) => {
    expect(computeExposure({ subnetNsg: subnet, nicNsg: nic, privateIps: ips, virtualNetworkPrefixes: vnet })).toEqual(expected);
  });
});

describe("mergeExposure", () => {
  it("keeps the first entry per port, in management-port order", () => {
    const merged = mergeExposure([
      [entry(3389, "a", "r1", 100, "*")],
      [entry(22, "b", "r2", 200, "*"), entry(3389, "b", "r3", 300, "*")],
    ]);
    expect(merged).toEqual([entry(22, "b", "r2", 200, "*"), entry(3389, "a", "r1", 100, "*")]);
  });
});
