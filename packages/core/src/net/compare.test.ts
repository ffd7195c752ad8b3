import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidrContainsIp, cidrEquals, cidrIsSubsetOf, cidrsOverlap, ipEquals } from "./compare.ts";
import { parseCidr, parseCidrStrict, parseIp } from "./parse.ts";
import type { Cidr, IpAddress } from "./parse.ts";

function cidr(text: string): Cidr {
  const parsed = parseCidrStrict(text);
  if (!parsed.ok) throw new Error(`bad test CIDR ${text}: ${parsed.reason}`);
  return parsed.value;
}

function ip(text: string): IpAddress {
  const parsed = parseIp(text);
  if (!parsed.ok) throw new Error(`bad test IP ${text}`);
  return parsed.value;
}

describe("cidrContainsIp", () => {
  it.each([
    ["10.0.0.0/8", "10.255.1.2", true],
    ["10.0.0.0/8", "11.0.0.0", false],
    ["10.1.2.3", "10.1.2.3", true],
    ["10.1.2.3", "10.1.2.4", false],
    ["0.0.0.0/0", "203.0.113.9", true],
    ["0.0.0.0/0", "2001:db8::1", false],
    ["::/0", "10.0.0.1", false],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    ["2001:db8::1", "2001:db8::1", true],
  ])("%s contains %s: %s", (prefix, address, expected) => {
    expect(cidrContainsIp(cidr(prefix), ip(address))).toBe(expected);
  });
});

describe("cidrIsSubsetOf and cidrsOverlap", () => {
  it.each([
    ["10.1.0.0/16", "10.0.0.0/8", true, true],
    ["10.0.0.0/8", "10.1.0.0/16", false, true],
    ["10.0.0.0/8", "10.0.0.0/8", true, true],
    ["10.1.2.3", "10.1.2.0/24", true, true],
    ["192.168.0.0/16", "10.0.0.0/8", false, false],
    ["2001:db8:1::/48", "2001:db8::/32", true, true],
    ["2001:db8::/32", "0.0.0.0/0", false, false],
    ["0.0.0.0/0", "::/0", false, false],
  ])("%s within %s: %s; overlap: %s", (inner, outer, subset, overlap) => {
    expect(cidrIsSubsetOf(cidr(inner), cidr(outer))).toBe(subset);
    expect(cidrsOverlap(cidr(inner), cidr(outer))).toBe(overlap);
  });

  it("a prefix is a subset of another exactly when its first and last addresses are in it", () => {
    const prefixes = fc
      .tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }))
      .map(([address, length]) => parseCidr(`${address}/${length}`))
      .filter((parsed) => parsed.ok)
      .map((parsed) => (parsed as { ok: true; value: Cidr }).value);
    fc.assert(
      fc.property(prefixes, prefixes, (inner, outer) => {
        const first = inner.network;
        const lastBytes = first.toByteArray().map((byte, i) => {
          const hostBits = Math.max(0, Math.min(8, (i + 1) * 8 - inner.prefixLength));
          return byte | ((1 << hostBits) - 1);
        });
        const last = ip(lastBytes.join("."));
        expect(cidrIsSubsetOf(inner, outer)).toBe(cidrContainsIp(outer, first) && cidrContainsIp(outer, last));
      }),
      { numRuns: 1000 },
    );
  });

  it("overlap is symmetric and every prefix overlaps itself", () => {
    const v6 = fc
      .tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 }))
      .map(([address, length]) => parseCidr(`${address}/${length}`))
      .filter((parsed) => parsed.ok)
      .map((parsed) => (parsed as { ok: true; value: Cidr }).value);
    fc.assert(
      fc.property(v6, v6, (a, b) => {
        expect(cidrsOverlap(a, b)).toBe(cidrsOverlap(b, a));
        expect(cidrsOverlap(a, a)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("equality", () => {
  it.each([
    ["2001:db8::1", "2001:DB8:0:0:0:0:0:1", true],
    ["10.0.0.1", "10.0.0.2", false],
    ["::ffff:a00:1", "10.0.0.1", false],
  ])("ipEquals(%s, %s) is %s", (a, b, expected) => {
    expect(ipEquals(ip(a), ip(b))).toBe(expected);
  });

  it("cidrEquals compares network and length", () => {
    expect(cidrEquals(cidr("10.0.0.0/8"), cidr("10.0.0.0/8"))).toBe(true);
    expect(cidrEquals(cidr("10.0.0.0/8"), cidr("10.0.0.0/9"))).toBe(false);
  });
});
