import { describe, expect, it } from "vitest";
import { policy, port } from "../planner/test-support/fixtures.ts";
import type { AllowedSources, JitPolicy, JitPortRule } from "../planner/types.ts";
import { fitRequest } from "./fit-request.ts";
import { freeTextRules } from "./free-text.ts";
import type { AccessRequest, FittedRequest, RequestProblem } from "./types.ts";

const now = new Date("2026-03-01T12:05:30.250Z");
const prefixes = (...list: string[]): AllowedSources => ({ kind: "prefixes", prefixes: list });
const any: AllowedSources = { kind: "any" };
const withMax = (rule: JitPortRule, maxRequestMinutes: number): JitPortRule => ({ ...rule, maxRequestMinutes });
const myIp = (ip: string): AccessRequest["sources"] => ({ kind: "my-ip", ip });
const ranges = (...list: string[]): AccessRequest["sources"] => ({ kind: "ranges", prefixes: list });
const atMost24 = "this VM's policy lets a requester open at most a /24 (256 IPv4 addresses)";
const baseRequest: AccessRequest = { ports: [{ port: 22 }], sources: myIp("203.0.113.7"), durationMinutes: 60 };
const linux = policy(port(22));

interface Case {
  when: string;
  policy?: JitPolicy;
  request: Partial<AccessRequest>;
  justificationRequired?: boolean;
}

function fit(c: Case) {
  return fitRequest({ policy: c.policy ?? linux, request: { ...baseRequest, ...c.request }, justificationRequired: c.justificationRequired ?? false, now });
}

const manyHosts = (count: number) => Array.from({ length: count }, (_, i) => `203.0.113.${i + 1}`);
const dns = policy(port(53, "TCP"), port(53, "UDP"));

describe("fitRequest: requests that fit", () => {
  it.each<Case & { expected: Partial<FittedRequest> }>([
    { when: "one port by number on the policy's only protocol", request: {}, expected: { ports: [{ port: 22, protocol: "TCP" }], sourcePrefixes: ["203.0.113.7/32"], opensToAnyAddress: false } },
    { when: "a port configured for TCP and UDP, no protocol given", policy: dns, request: { ports: [{ port: 53 }] }, expected: { ports: [{ port: 53, protocol: "TCP" }, { port: 53, protocol: "UDP" }] } },
    { when: "a port configured for TCP and UDP, UDP asked", policy: dns, request: { ports: [{ port: 53, protocol: "UDP" }] }, expected: { ports: [{ port: 53, protocol: "UDP" }] } },
    { when: "a port configured for TCP and UDP, Any asked", policy: dns, request: { ports: [{ port: 53, protocol: "Any" }] }, expected: { ports: [{ port: 53, protocol: "TCP" }, { port: 53, protocol: "UDP" }] } },
    { when: "a port configured for Any, Any asked", policy: policy(port(5986, "Any")), request: { ports: [{ port: 5986, protocol: "Any" }] }, expected: { ports: [{ port: 5986, protocol: "Any" }] } },
    { when: "the same port twice", policy: policy(port(22), port(3389)), request: { ports: [{ port: 3389 }, { port: 22 }, { port: 3389, protocol: "TCP" }] }, expected: { ports: [{ port: 3389, protocol: "TCP" }, { port: 22, protocol: "TCP" }] } },
    { when: "My IP over IPv6", request: { sources: myIp("2001:DB8::7") }, expected: { sourcePrefixes: ["2001:db8::7/128"] } },
    { when: "My IP as IPv4-mapped IPv6", request: { sources: myIp("::ffff:203.0.113.7") }, expected: { sourcePrefixes: ["203.0.113.7/32"] } },
    { when: "ranges given as bare IPs, CIDRs, duplicates and spaces", request: { sources: ranges("203.0.113.7", " 203.0.113.7/32 ", "2001:DB8:0::/56", "2001:db8::/56") }, expected: { sourcePrefixes: ["203.0.113.7/32", "2001:db8::/56"] } },
    { when: "a narrower CIDR than the policy's (Defender refuses this)", policy: policy(port(22, "TCP", prefixes("198.51.100.0/24"))), request: { sources: ranges("198.51.100.128/25") }, expected: { sourcePrefixes: ["198.51.100.128/25"] } },
    { when: "exactly the policy's CIDR", policy: policy(port(22, "TCP", prefixes("198.51.100.0/24", "2001:db8::/32"))), request: { sources: ranges("198.51.100.0/24", "2001:db8:5::/48") }, expected: { sourcePrefixes: ["198.51.100.0/24", "2001:db8:5::/48"] } },
    { when: "My IP inside the policy's CIDR", policy: policy(port(22, "TCP", prefixes("203.0.113.0/24"))), request: {}, expected: { sourcePrefixes: ["203.0.113.7/32"] } },
    { when: "a /24 on a per-request port (the default widest)", request: { sources: ranges("10.0.0.0/24") }, expected: { sourcePrefixes: ["10.0.0.0/24"] } },
    { when: "two /25s and a host inside them on a per-request port (256 addresses in all)", request: { sources: ranges("10.0.0.0/25", "10.0.0.128/25", "10.0.0.7") }, expected: { sourcePrefixes: ["10.0.0.0/25", "10.0.0.128/25", "10.0.0.7/32"] } },
    { when: "a /56 of IPv6 on a per-request port", request: { sources: ranges("2001:db8:0:100::/56") }, expected: { sourcePrefixes: ["2001:db8:0:100::/56"] } },
    { when: "a /20 where the port's limit is /20", policy: policy(port(22, "TCP", { kind: "per-request", maxPrefixSize: { ipv4: 20, ipv6: 48 } })), request: { sources: ranges("10.0.16.0/20") }, expected: { sourcePrefixes: ["10.0.16.0/20"], opensToAnyAddress: false } },
    { when: "two /1s when the port allows any source (flagged as any)", policy: policy(port(22, "TCP", any)), request: { sources: ranges("0.0.0.0/1", "128.0.0.0/1") }, expected: { sourcePrefixes: ["0.0.0.0/1", "128.0.0.0/1"], opensToAnyAddress: true } },
    { when: "a /16 when the port allows any source (wider than a /24: flagged)", policy: policy(port(22, "TCP", any)), request: { sources: ranges("10.1.0.0/16") }, expected: { sourcePrefixes: ["10.1.0.0/16"], opensToAnyAddress: true } },
    { when: "* when every port allows any source", policy: policy(port(22, "TCP", any), port(3389, "TCP", any)), request: { ports: [{ port: 22 }, { port: 3389 }], sources: ranges("*") }, expected: { sourcePrefixes: ["*"], opensToAnyAddress: true } },
    { when: "Any and Internet when the port allows any source", policy: policy(port(22, "TCP", any)), request: { sources: ranges("Any", "Internet") }, expected: { sourcePrefixes: ["*"], opensToAnyAddress: true } },
    { when: "0.0.0.0/0 and ::/0 when the port allows any source", policy: policy(port(22, "TCP", any)), request: { sources: ranges("0.0.0.0/0", "::/0") }, expected: { sourcePrefixes: ["0.0.0.0/0", "::/0"], opensToAnyAddress: true } },
    { when: "20 different sources", request: { sources: ranges(...manyHosts(20)) }, expected: { sourcePrefixes: manyHosts(20).map((ip) => `${ip}/32`) } },
    { when: "21 sources of which 20 differ", request: { sources: ranges(...manyHosts(20), "203.0.113.1/32") }, expected: { sourcePrefixes: manyHosts(20).map((ip) => `${ip}/32`) } },
    { when: "the shortest duration", request: { durationMinutes: 5 }, expected: { durationMinutes: 5 } },
    { when: "the port's max duration", request: { durationMinutes: 180 }, expected: { durationMinutes: 180 } },
    { when: "no justification", request: {}, expected: { justification: null } },
    { when: "a blank justification", request: { justification: "  \n " }, expected: { justification: null } },
    { when: "a justification with spaces around it", request: { justification: "  INC-1234: <b>disk</b> full\n" }, expected: { justification: "INC-1234: <b>disk</b> full" } },
    { when: "a required justification", justificationRequired: true, request: { justification: "patching" }, expected: { justification: "patching" } },
    { when: "a justification of 1,000 characters", request: { justification: "x".repeat(1000) }, expected: { justification: "x".repeat(1000) } },
    { when: "a justification of 1,000 emoji (counted as characters, not UTF-16 units)", request: { justification: "🔑".repeat(1000) }, expected: { justification: "🔑".repeat(1000) } },
    { when: "a justification with tabs and line breaks", request: { justification: "line 1\r\n\tline 2" }, expected: { justification: "line 1\r\n\tline 2" } },
  ])("accepts $when", (c) => {
    const result = fit(c);
    if (!result.ok) expect.fail(JSON.stringify(result.problems));
    expect(result.grant).toMatchObject(c.expected);
  });

  it("starts now, cut to the second, and ends the duration later", () => {
    const result = fit({ when: "", request: { durationMinutes: 90 } });
    if (!result.ok) expect.fail(JSON.stringify(result.problems));
    expect(result.grant.startsAt.toISOString()).toBe("2026-03-01T12:05:30.000Z");
    expect(result.grant.endsAt.toISOString()).toBe("2026-03-01T13:35:30.000Z");
  });
});

describe("fitRequest: requests that do not fit", () => {
  const allowOffice = policy(port(22, "TCP", prefixes("198.51.100.0/24")));
  const allowSeven = policy(port(22, "TCP", prefixes("198.51.100.0/24", "198.51.101.0/24", "198.51.102.0/24", "198.51.103.0/24", "198.51.104.0/24", "198.51.105.0/24", "198.51.106.0/24")));
  const everyone = "this VM's policy does not allow any source";
  it.each<Case & { problems: RequestProblem[] }>([
    { when: "an unknown port", request: { ports: [{ port: 22 }, { port: 8080 }] }, problems: [{ field: "ports[1].port", rule: "port 8080 is not configured for this VM" }] },
    { when: "no port", request: { ports: [] }, problems: [{ field: "ports", rule: "choose at least one port" }] },
    { when: "TCP on a UDP-only port", policy: policy(port(53, "UDP")), request: { ports: [{ port: 53, protocol: "TCP" }] }, problems: [{ field: "ports[0].protocol", rule: "port 53 is not configured for TCP on this VM (it is configured for UDP)" }] },
    { when: "TCP on an Any port (a grant covers what the policy configures)", policy: policy(port(22, "Any")), request: { ports: [{ port: 22, protocol: "TCP" }] }, problems: [{ field: "ports[0].protocol", rule: "port 22 is not configured for TCP on this VM (it is configured for Any)" }] },
    { when: "Any on a TCP-only port", request: { ports: [{ port: 22, protocol: "Any" }] }, problems: [{ field: "ports[0].protocol", rule: "port 22 is not configured for Any on this VM (it is configured for TCP)" }] },
    { when: "an unknown protocol", request: { ports: [{ port: 22, protocol: "ICMP" as "TCP" }] }, problems: [{ field: "ports[0].protocol", rule: "must be TCP, UDP or Any" }] },
    { when: "4 minutes", request: { durationMinutes: 4 }, problems: [{ field: "durationMinutes", rule: "must be at least 5 minutes" }] },
    { when: "a minute past the port's max", request: { durationMinutes: 181 }, problems: [{ field: "durationMinutes", rule: "must be at most 180 minutes (the max request time of port 22)" }] },
    {
      when: "more than the smallest max of the requested ports",
      policy: policy(port(22), withMax(port(3389), 60)),
      request: { ports: [{ port: 22 }, { port: 3389 }], durationMinutes: 90 },
      problems: [{ field: "durationMinutes", rule: "must be at most 60 minutes (the max request time of port 3389)" }],
    },
    {
      when: "more than the max of one protocol of a port",
      policy: policy(port(53, "TCP"), withMax(port(53, "UDP"), 30)),
      request: { ports: [{ port: 53 }], durationMinutes: 31 },
      problems: [{ field: "durationMinutes", rule: "must be at most 30 minutes (the max request time of port 53/UDP)" }],
    },
    { when: "part of a minute", request: { durationMinutes: 30.5 }, problems: [{ field: "durationMinutes", rule: "must be a whole number of minutes" }] },
    { when: "no duration at all", request: { durationMinutes: Number.NaN }, problems: [{ field: "durationMinutes", rule: "must be a whole number of minutes" }] },
    { when: "* on a per-request port", request: { sources: ranges("*") }, problems: [{ field: "sources.prefixes[0]", rule: "`*` opens the port to the whole Internet; this VM's policy does not allow any source" }] },
    { when: "0.0.0.0/0 on a per-request port", request: { sources: ranges("203.0.113.7", "0.0.0.0/0") }, problems: [{ field: "sources.prefixes[1]", rule: `\`0.0.0.0/0\` opens the port to the whole Internet; ${everyone}` }] },
    { when: "::/0 on a per-request port", request: { sources: ranges("::/0") }, problems: [{ field: "sources.prefixes[0]", rule: `\`::/0\` opens the port to the whole Internet; ${everyone}` }] },
    { when: "Any on a per-request port", request: { sources: ranges("Any") }, problems: [{ field: "sources.prefixes[0]", rule: `\`Any\` opens the port to the whole Internet; ${everyone}` }] },
    { when: "Internet on a per-request port", request: { sources: ranges("Internet") }, problems: [{ field: "sources.prefixes[0]", rule: `\`Internet\` opens the port to the whole Internet; ${everyone}` }] },
    { when: "* on a port with fixed sources", policy: allowOffice, request: { sources: ranges("*") }, problems: [{ field: "sources.prefixes[0]", rule: `\`*\` opens the port to the whole Internet; ${everyone}` }] },
    {
      when: "* when only one of the requested ports allows any source",
      policy: policy(port(22, "TCP", any), port(3389)),
      request: { ports: [{ port: 22 }, { port: 3389 }], sources: ranges("*") },
      problems: [{ field: "sources.prefixes[0]", rule: `\`*\` opens the port to the whole Internet; ${everyone}` }],
    },
    { when: "two /1s (all of IPv4) on a per-request port", request: { sources: ranges("0.0.0.0/1", "128.0.0.0/1") }, problems: [{ field: "sources.prefixes", rule: `together these sources open port 22 to every IPv4 address, the whole Internet; ${atMost24}` }] },
    { when: "four /2s (all of IPv4) on a per-request port", request: { sources: ranges("0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2") }, problems: [{ field: "sources.prefixes", rule: `together these sources open port 22 to every IPv4 address, the whole Internet; ${atMost24}` }] },
    { when: "one /1 on a per-request port", request: { sources: ranges("128.0.0.0/1") }, problems: [{ field: "sources.prefixes", rule: `together these sources open port 22 to 2,147,483,648 IPv4 addresses (as wide as a /1); ${atMost24}` }] },
    { when: "a /8 on a per-request port", request: { sources: ranges("10.0.0.0/8") }, problems: [{ field: "sources.prefixes", rule: `together these sources open port 22 to 16,777,216 IPv4 addresses (as wide as a /8); ${atMost24}` }] },
    { when: "two /24s on a per-request port (the union is what counts)", request: { sources: ranges("10.0.0.0/24", "10.0.5.0/24") }, problems: [{ field: "sources.prefixes", rule: `together these sources open port 22 to 512 IPv4 addresses (as wide as a /23); ${atMost24}` }] },
    { when: "::/1 and 8000::/1 on a per-request port", request: { sources: ranges("::/1", "8000::/1") }, problems: [{ field: "sources.prefixes", rule: "together these sources open port 22 to every IPv6 address, the whole Internet; this VM's policy lets a requester open at most a /56 (about 2^72 IPv6 addresses)" }] },
    { when: "a /48 of IPv6 on a per-request port", request: { sources: ranges("2001:db8::/48") }, problems: [{ field: "sources.prefixes", rule: "together these sources open port 22 to about 2^80 IPv6 addresses (as wide as a /48); this VM's policy lets a requester open at most a /56 (about 2^72 IPv6 addresses)" }] },
    { when: "a /24 where the port's limit is /28", policy: policy(port(22, "TCP", { kind: "per-request", maxPrefixSize: { ipv4: 28, ipv6: 64 } })), request: { sources: ranges("10.0.0.0/24") }, problems: [{ field: "sources.prefixes", rule: "together these sources open port 22 to 256 IPv4 addresses (as wide as a /24); this VM's policy lets a requester open at most a /28 (16 IPv4 addresses)" }] },
    { when: "all of IPv4 as IPv4-mapped IPv6", request: { sources: ranges("::ffff:0:0/96") }, problems: [{ field: "sources.prefixes[0]", rule: "::ffff:0:0/96 is an IPv6 form of IPv4 addresses (mapped, translated or NAT64): write IPv4 sources as IPv4" }] },
    { when: "a NAT64 prefix", request: { sources: ranges("64:ff9b::cb00:7100/120") }, problems: [{ field: "sources.prefixes[0]", rule: "64:ff9b::cb00:7100/120 is an IPv6 form of IPv4 addresses (mapped, translated or NAT64): write IPv4 sources as IPv4" }] },
    { when: "a CIDR with host bits set", request: { sources: ranges("10.0.0.1/24") }, problems: [{ field: "sources.prefixes[0]", rule: "host bits set: 10.0.0.1/24 has address bits after its prefix length; did you mean 10.0.0.0/24?" }] },
    { when: "an IPv6 CIDR with host bits set", request: { sources: ranges("2001:db8::1/64") }, problems: [{ field: "sources.prefixes[0]", rule: "host bits set: 2001:db8::1/64 has address bits after its prefix length; did you mean 2001:db8::/64?" }] },
    { when: "a host name", request: { sources: ranges("office.example.com") }, problems: [{ field: "sources.prefixes[0]", rule: '"office.example.com" is not an IPv4 or IPv6 address or CIDR (service tags are not accepted)' }] },
    { when: "an empty source", request: { sources: ranges("203.0.113.7", " ") }, problems: [{ field: "sources.prefixes[1]", rule: "must not be empty" }] },
    { when: "a prefix length of 33", request: { sources: ranges("10.0.0.0/33") }, problems: [{ field: "sources.prefixes[0]", rule: "prefix length out of range in 10.0.0.0/33: use /0-/32 for IPv4, /0-/128 for IPv6" }] },
    { when: "a wider CIDR than the policy's", policy: allowOffice, request: { sources: ranges("198.51.0.0/16") }, problems: [{ field: "sources.prefixes[0]", rule: "198.51.0.0/16 is outside the sources allowed for port 22: 198.51.100.0/24" }] },
    { when: "My IP outside the policy's CIDR", policy: allowOffice, request: {}, problems: [{ field: "sources.ip", rule: "203.0.113.7 is outside the sources allowed for port 22: 198.51.100.0/24" }] },
    { when: "an IPv6 source for an IPv4-only policy", policy: allowOffice, request: { sources: ranges("2001:db8::/64") }, problems: [{ field: "sources.prefixes[0]", rule: "2001:db8::/64 is outside the sources allowed for port 22: 198.51.100.0/24" }] },
    {
      when: "a source outside one of two requested ports' CIDRs",
      policy: policy(port(22, "TCP", prefixes("198.51.0.0/16")), port(3389, "TCP", prefixes("198.51.100.0/24"))),
      request: { ports: [{ port: 22 }, { port: 3389 }], sources: ranges("198.51.100.0/24", "198.51.200.0/24") },
      problems: [{ field: "sources.prefixes[1]", rule: "198.51.200.0/24 is outside the sources allowed for port 3389: 198.51.100.0/24" }],
    },
    {
      when: "a source outside a long list of allowed CIDRs",
      policy: allowSeven,
      request: { sources: myIp("203.0.113.7") },
      problems: [{ field: "sources.ip", rule: "203.0.113.7 is outside the sources allowed for port 22: 198.51.100.0/24, 198.51.101.0/24, 198.51.102.0/24, 198.51.103.0/24, 198.51.104.0/24 and 2 more" }],
    },
    { when: "My IP that is not an address", request: { sources: myIp("unknown") }, problems: [{ field: "sources.ip", rule: '"unknown" is not an IPv4 or IPv6 address' }] },
    { when: "My IP given as a CIDR", request: { sources: myIp("203.0.113.0/24") }, problems: [{ field: "sources.ip", rule: '"203.0.113.0/24" is not an IPv4 or IPv6 address' }] },
    { when: "no range", request: { sources: ranges() }, problems: [{ field: "sources.prefixes", rule: "at least one IP address or CIDR is required" }] },
    { when: "21 different sources", request: { sources: ranges(...manyHosts(21)) }, problems: [{ field: "sources.prefixes", rule: "at most 20 different sources per request (21 given); use a larger prefix" }] },
    { when: "a justification of 1,001 characters", request: { justification: ` ${"x".repeat(1001)} ` }, problems: [{ field: "justification", rule: "must be at most 1,000 characters" }] },
    { when: "a required justification left out", justificationRequired: true, request: {}, problems: [{ field: "justification", rule: "is required by this VM's policy" }] },
    { when: "a required justification left blank", justificationRequired: true, request: { justification: " \t\n" }, problems: [{ field: "justification", rule: "is required by this VM's policy" }] },
    { when: "a justification with a NUL character", request: { justification: "ok\u0000" }, problems: [{ field: "justification", rule: "must not contain control characters (tabs and line breaks are fine)" }] },
    { when: "a justification with a right-to-left override", request: { justification: "INC-1 \u202Eevil" }, problems: [{ field: "justification", rule: freeTextRules.bidi }] },
    { when: "a justification with a zero-width space", request: { justification: "INC\u200B-1" }, problems: [{ field: "justification", rule: freeTextRules.zeroWidth }] },
    {
      when: "a justification breaking every free-text rule, each named",
      request: { justification: "a\u0007b\u2066c\u2060d" },
      problems: [
        { field: "justification", rule: freeTextRules.control },
        { field: "justification", rule: freeTextRules.bidi },
        { field: "justification", rule: freeTextRules.zeroWidth },
      ],
    },
    {
      when: "everything wrong at once, in field order",
      justificationRequired: true,
      request: { ports: [{ port: 8080 }, { port: 22 }], durationMinutes: 600, sources: ranges("*", "10.0.0.1/8") },
      problems: [
        { field: "ports[0].port", rule: "port 8080 is not configured for this VM" },
        { field: "durationMinutes", rule: "must be at most 180 minutes (the max request time of port 22)" },
        { field: "sources.prefixes[0]", rule: `\`*\` opens the port to the whole Internet; ${everyone}` },
        { field: "sources.prefixes[1]", rule: "host bits set: 10.0.0.1/8 has address bits after its prefix length; did you mean 10.0.0.0/8?" },
        { field: "justification", rule: "is required by this VM's policy" },
      ],
    },
  ])("refuses $when", (c) => {
    expect(fit(c)).toEqual({ ok: false, problems: c.problems });
  });
});
