import { describe, expect, it } from "vitest";
import { validatePolicy } from "./policy-validation.ts";
import { policy, port } from "./test-support/fixtures.ts";
import type { AllowedSources, JitPolicy, JitPortRule } from "./types.ts";

const prefixes = (...list: string[]): AllowedSources => ({ kind: "prefixes", prefixes: list });
/** Values the API's schema would not let through, to show the domain check does not trust the types. */
const loose = (rule: Record<string, unknown>): JitPortRule => ({ ...port(22), ...rule }) as JitPortRule;

interface Case {
  when: string;
  policy: JitPolicy;
  issues: Array<{ field: string; rule: string | RegExp }>;
}

const cases: Case[] = [
  { when: "Defender's defaults", policy: policy(port(22), port(3389), port(5985), port(5986)), issues: [] },
  { when: "TCP and UDP on the same port", policy: policy(port(53, "TCP"), port(53, "UDP")), issues: [] },
  { when: "fixed IPv4 and IPv6 sources", policy: policy(port(22, "TCP", prefixes("203.0.113.0/24", "203.0.113.7", "2001:db8::/32"))), issues: [] },
  { when: "any source, chosen explicitly", policy: policy(port(22, "TCP", { kind: "any" })), issues: [] },
  { when: "the shortest and longest request times", policy: policy({ ...port(22), maxRequestMinutes: 5 }, { ...port(23), maxRequestMinutes: 1440 }), issues: [] },
  { when: "no port", policy: policy(), issues: [{ field: "ports", rule: "at least one port is required" }] },
  { when: "port 65536", policy: policy(port(65536)), issues: [{ field: "ports[0].port", rule: "must be a whole number from 0 to 65535" }] },
  { when: "port 22.5", policy: policy(port(22.5)), issues: [{ field: "ports[0].port", rule: "must be a whole number from 0 to 65535" }] },
  { when: "protocol ICMP", policy: policy(loose({ protocol: "ICMP" })), issues: [{ field: "ports[0].protocol", rule: "must be TCP, UDP or Any" }] },
  {
    when: "the same port twice for TCP",
    policy: policy(port(22), port(3389), port(22)),
    issues: [{ field: "ports[2].port", rule: "port 22 is already listed for TCP (ports[0]); each port may appear once per protocol, and Any covers both" }],
  },
  { when: "a port for TCP and for Any", policy: policy(port(22, "Any"), port(22, "TCP")), issues: [{ field: "ports[1].port", rule: /already listed for Any \(ports\[0\]\)/ }] },
  { when: "4 minutes", policy: policy({ ...port(22), maxRequestMinutes: 4 }), issues: [{ field: "ports[0].maxRequestMinutes", rule: "must be a whole number of minutes from 5 (5 minutes) to 1440 (24 hours)" }] },
  { when: "24 hours and a minute", policy: policy({ ...port(22), maxRequestMinutes: 1441 }), issues: [{ field: "ports[0].maxRequestMinutes", rule: /from 5/ }] },
  {
    when: "a CIDR with host bits set",
    policy: policy(port(22), port(3389, "TCP", prefixes("203.0.113.0/24", "10.0.0.1/24"))),
    issues: [{ field: "ports[1].allowedSources.prefixes[1]", rule: "host bits set: 10.0.0.1/24 has address bits after its prefix length; did you mean 10.0.0.0/24?" }],
  },
  { when: "an IPv6 CIDR with host bits set", policy: policy(port(22, "TCP", prefixes("2001:db8::1/64"))), issues: [{ field: "ports[0].allowedSources.prefixes[0]", rule: /host bits set.*2001:db8::\/64/ }] },
  { when: "0.0.0.0/0 as a fixed source", policy: policy(port(22, "TCP", prefixes("0.0.0.0/0"))), issues: [{ field: "ports[0].allowedSources.prefixes[0]", rule: '0.0.0.0/0 would admit every address; choose "any" as the allowed sources explicitly instead' }] },
  { when: "::/0 as a fixed source", policy: policy(port(22, "TCP", prefixes("::/0"))), issues: [{ field: "ports[0].allowedSources.prefixes[0]", rule: /every address; choose "any"/ }] },
  { when: "two /1s as fixed sources (all of IPv4 in disguise)", policy: policy(port(22, "TCP", prefixes("0.0.0.0/1", "128.0.0.0/1"))), issues: [{ field: "ports[0].allowedSources.prefixes", rule: 'together these prefixes admit every IPv4 address; choose "any" as the allowed sources explicitly instead' }] },
  { when: "::/1 and 8000::/1 as fixed sources", policy: policy(port(22, "TCP", prefixes("::/1", "8000::/1", "10.0.0.0/8"))), issues: [{ field: "ports[0].allowedSources.prefixes", rule: 'together these prefixes admit 16,777,216 IPv4 addresses (as wide as a /8) and every IPv6 address; choose "any" as the allowed sources explicitly instead' }] },
  { when: "a per-request limit wider than /8", policy: policy(port(22, "TCP", { kind: "per-request", maxPrefixSize: { ipv4: 4, ipv6: 56 } })), issues: [{ field: "ports[0].allowedSources.maxPrefixSize.ipv4", rule: 'must be a prefix length from 8 to 32 (/8 is the widest; wider sources need "any" explicitly)' }] },
  { when: "a per-request IPv6 limit past /128", policy: policy(port(22, "TCP", { kind: "per-request", maxPrefixSize: { ipv4: 24, ipv6: 129 } })), issues: [{ field: "ports[0].allowedSources.maxPrefixSize.ipv6", rule: 'must be a prefix length from 16 to 128 (/16 is the widest; wider sources need "any" explicitly)' }] },
  { when: "* as a fixed source", policy: policy(port(22, "TCP", prefixes("*"))), issues: [{ field: "ports[0].allowedSources.prefixes[0]", rule: /"\*" would admit every address/ }] },
  { when: "the Internet tag as a fixed source", policy: policy(port(22, "TCP", prefixes("Internet"))), issues: [{ field: "ports[0].allowedSources.prefixes[0]", rule: /every Internet address/ }] },
  { when: "a prefix length of 33", policy: policy(port(22, "TCP", prefixes("10.0.0.0/33"))), issues: [{ field: "ports[0].allowedSources.prefixes[0]", rule: /prefix length out of range/ }] },
  { when: "a host name", policy: policy(port(22, "TCP", prefixes("office.example.com"))), issues: [{ field: "ports[0].allowedSources.prefixes[0]", rule: '"office.example.com" is not an IPv4 or IPv6 address or CIDR (service tags are not accepted)' }] },
  { when: "an empty prefix", policy: policy(port(22, "TCP", prefixes(""))), issues: [{ field: "ports[0].allowedSources.prefixes[0]", rule: "must not be empty" }] },
  { when: "no fixed source", policy: policy(port(22, "TCP", prefixes())), issues: [{ field: "ports[0].allowedSources.prefixes", rule: "at least one IP address or CIDR is required" }] },
  { when: "the same prefix twice", policy: policy(port(22, "TCP", prefixes("10.0.0.0/8", "10.0.0.0/8"))), issues: [{ field: "ports[0].allowedSources.prefixes[1]", rule: "10.0.0.0/8 is already listed (ports[0].allowedSources.prefixes[0])" }] },
  { when: "an unknown kind of source", policy: policy(loose({ allowedSources: { kind: "everyone" } })), issues: [{ field: "ports[0].allowedSources.kind", rule: "must be per-request, any or prefixes" }] },
  {
    when: "several problems",
    policy: policy(port(70000), { ...port(22, "UDP", prefixes("10.0.0.1/8")), maxRequestMinutes: 0 }),
    issues: [
      { field: "ports[0].port", rule: /whole number/ },
      { field: "ports[1].maxRequestMinutes", rule: /minutes/ },
      { field: "ports[1].allowedSources.prefixes[0]", rule: /host bits set/ },
    ],
  },
];

describe("validatePolicy", () => {
  it.each(cases)("when $when", ({ policy: subject, issues }) => {
    const found = validatePolicy(subject);
    expect(found).toHaveLength(issues.length);
    issues.forEach((issue, i) => {
      expect(found[i]?.field).toBe(issue.field);
      if (typeof issue.rule === "string") expect(found[i]?.rule).toBe(issue.rule);
      else expect(found[i]?.rule).toMatch(issue.rule);
    });
  });
});
