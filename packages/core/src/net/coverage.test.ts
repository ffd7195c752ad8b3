import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { cidrContainsIp } from "./compare.ts";
import { defaultPrefixSizeLimits, describeCoverage, exceedsLimits, isWide, sourceCoverage } from "./coverage.ts";
import { formatCidr, parseCidr } from "./parse.ts";
import type { Cidr } from "./parse.ts";

/** Random prefixes inside a small space (a /20 of IPv4, a /116 of IPv6: 4,096 addresses), where counting one by one is cheap. */
function smallSpaceArb(base: string, baseLength: number, bits: number) {
  const parsed = parseCidr(`${base}/${baseLength}`);
  if (!parsed.ok) throw new Error("bad base");
  const size = 2 ** (bits - baseLength);
  return fc.tuple(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: baseLength, max: bits })).map(([offset, length]) => {
    const bytes = parsed.value.network.toByteArray();
    let carry = offset;
    for (let i = bytes.length - 1; i >= 0 && carry > 0; i--) {
      const sum = (bytes[i] ?? 0) + (carry % 256);
      bytes[i] = sum % 256;
      carry = Math.floor(carry / 256) + Math.floor(sum / 256);
    }
    const cidr = parseCidr(`${ipaddr.fromByteArray(bytes).toString()}/${length}`);
    if (!cidr.ok) throw new Error("bad generated prefix");
    return formatCidr(cidr.value);
  });
}

function bruteForceCount(prefixes: readonly string[], base: string, baseLength: number, bits: number): bigint {
  const cidrs: Cidr[] = prefixes.map((text) => {
    const parsed = parseCidr(text);
    if (!parsed.ok) throw new Error(text);
    return parsed.value;
  });
  const start = ipaddr.parse(base).toByteArray();
  let count = 0n;
  for (let offset = 0; offset < 2 ** (bits - baseLength); offset++) {
    const bytes = [...start];
    let carry = offset;
    for (let i = bytes.length - 1; i >= 0 && carry > 0; i--) {
      const sum = (bytes[i] ?? 0) + (carry % 256);
      bytes[i] = sum % 256;
      carry = Math.floor(carry / 256) + Math.floor(sum / 256);
    }
    const ip = ipaddr.fromByteArray(bytes);
    if (cidrs.some((cidr) => cidrContainsIp(cidr, ip))) count++;
  }
  return count;
}

describe("sourceCoverage: how much of the address space a set of sources opens", () => {
  it.each([
    { sources: ["0.0.0.0/0"], ipv4: 2n ** 32n, everyAddress: true, text: "every IPv4 address" },
    { sources: ["0.0.0.0/1", "128.0.0.0/1"], ipv4: 2n ** 32n, everyAddress: true, text: "every IPv4 address" },
    { sources: ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], ipv4: 2n ** 32n, everyAddress: true, text: "every IPv4 address" },
    { sources: ["128.0.0.0/1"], ipv4: 2n ** 31n, everyAddress: false, text: "2,147,483,648 IPv4 addresses (as wide as a /1)" },
    { sources: ["*"], ipv4: 2n ** 32n, everyAddress: true, text: "every IPv4 address and every IPv6 address" },
    { sources: ["Internet"], ipv4: 2n ** 32n, everyAddress: true, text: "every IPv4 address and every IPv6 address" },
    { sources: ["10.0.0.0/25", "10.0.0.128/25"], ipv4: 256n, everyAddress: false, text: "256 IPv4 addresses (as wide as a /24)" },
    { sources: ["10.0.0.0/24", "10.0.0.7", "10.0.0.0/25"], ipv4: 256n, everyAddress: false, text: "256 IPv4 addresses (as wide as a /24)" },
    { sources: ["10.0.0.0/24", "10.0.1.0/32"], ipv4: 257n, everyAddress: false, text: "257 IPv4 addresses (as wide as a /23)" },
    { sources: ["203.0.113.7"], ipv4: 1n, everyAddress: false, text: "1 IPv4 address (as wide as a /32)" },
    { sources: ["::/1", "8000::/1"], ipv4: 0n, everyAddress: true, text: "every IPv6 address" },
    { sources: [], ipv4: 0n, everyAddress: false, text: "no address" },
  ])("$sources covers $text", ({ sources, ipv4, everyAddress, text }) => {
    const coverage = sourceCoverage(sources);
    expect(coverage.ipv4.addresses).toBe(ipv4);
    expect(coverage.everyAddress).toBe(everyAddress);
    expect(describeCoverage(coverage)).toBe(text);
  });

  it("lists what it cannot read instead of guessing", () => {
    expect(sourceCoverage(["10.0.0.0/24", "office", "10.0.0.300"]).unparsed).toEqual(["office", "10.0.0.300"]);
  });

  it.each([
    { sources: ["203.0.113.0/24"], wide: false },
    { sources: ["203.0.113.0/25", "203.0.113.128/25"], wide: false },
    { sources: ["203.0.113.0/24", "198.51.100.7"], wide: true },
    { sources: ["203.0.112.0/23"], wide: true },
    { sources: ["2001:db8::/56"], wide: false },
    { sources: ["2001:db8::/55"], wide: true },
    { sources: ["0.0.0.0/1", "128.0.0.0/1"], wide: true },
  ])("against the default limits (/24, /56), $sources is wide: $wide", ({ sources, wide }) => {
    expect(isWide(sourceCoverage(sources), defaultPrefixSizeLimits)).toBe(wide);
  });

  it("names the family and limit a set exceeds", () => {
    expect(exceedsLimits(sourceCoverage(["2001:db8::/48", "10.0.0.1"]), { ipv4: 24, ipv6: 56 })).toEqual({ family: "ipv6", limit: 56, asWideAs: 48, addresses: 2n ** 80n });
  });

  it("equals a one-by-one count of the addresses on small IPv4 spaces", () => {
    fc.assert(
      fc.property(fc.array(smallSpaceArb("10.1.0.0", 20, 32), { maxLength: 8 }), (prefixes) => {
        const coverage = sourceCoverage(prefixes);
        expect(coverage.ipv4.addresses).toBe(bruteForceCount(prefixes, "10.1.0.0", 20, 32));
        expect(coverage.ipv6.addresses).toBe(0n);
      }),
      { numRuns: 200 },
    );
  });

  it("equals a one-by-one count of the addresses on small IPv6 spaces, and families never mix", () => {
    fc.assert(
      fc.property(fc.array(smallSpaceArb("2001:db8::", 116, 128), { maxLength: 8 }), fc.array(smallSpaceArb("10.1.0.0", 22, 32), { maxLength: 3 }), (v6, v4) => {
        const coverage = sourceCoverage([...v6, ...v4]);
        expect(coverage.ipv6.addresses).toBe(bruteForceCount(v6, "2001:db8::", 116, 128));
        expect(coverage.ipv4.addresses).toBe(bruteForceCount(v4, "10.1.0.0", 22, 32));
      }),
      { numRuns: 100 },
    );
  });

  it("its merged form covers exactly the same addresses as the input", () => {
    fc.assert(
      fc.property(fc.array(smallSpaceArb("10.1.0.0", 20, 32), { maxLength: 8 }), (prefixes) => {
        const coverage = sourceCoverage(prefixes);
        expect(bruteForceCount(coverage.merged, "10.1.0.0", 20, 32)).toBe(coverage.ipv4.addresses);
        expect(coverage.merged.length).toBeLessThanOrEqual(Math.max(prefixes.length, 0) || 0);
      }),
      { numRuns: 100 },
    );
  });
});
