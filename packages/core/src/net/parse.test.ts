import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalizeCidr, formatCidr, formatIp, isSingleHost, parseCidr, parseCidrStrict, parseIp } from "./parse.ts";

describe("parseIp", () => {
  it.each([
    ["10.0.0.4", "10.0.0.4"],
    ["255.255.255.255", "255.255.255.255"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["::", "::"],
    ["::ffff:10.0.0.1", "::ffff:a00:1"],
  ])("when given %s, then it parses to %s", (text, canonical) => {
    const parsed = parseIp(text);
    expect(parsed.ok && formatIp(parsed.value)).toBe(canonical);
  });

  it.each([
    ["", "empty"],
    ["10.0.0", "malformed"],
    ["10.0.0.256", "malformed"],
    ["010.0.0.1", "malformed"],
    ["0x0a.0.0.1", "malformed"],
    ["167772161", "malformed"],
    [" 10.0.0.1", "malformed"],
    ["fe80::1%eth0", "malformed"],
    ["2001:db8::1::2", "malformed"],
    ["10.0.0.0/8", "malformed"],
    ["Internet", "malformed"],
  ])("when given %j, then it is rejected as %s", (text, reason) => {
    expect(parseIp(text)).toEqual({ ok: false, reason });
  });
});

describe("parseCidrStrict", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8", 8],
    ["10.1.2.3", "10.1.2.3/32", 32],
    ["0.0.0.0/0", "0.0.0.0/0", 0],
    ["2001:DB8::/32", "2001:db8::/32", 32],
    ["2001:db8::5", "2001:db8::5/128", 128],
    ["::/0", "::/0", 0],
  ])("when given %s, then it is the prefix %s", (text, canonical, prefixLength) => {
    const parsed = parseCidrStrict(text);
    expect(parsed.ok && formatCidr(parsed.value)).toBe(canonical);
    expect(parsed.ok && parsed.value.prefixLength).toBe(prefixLength);
  });

  it.each([
    ["", "empty"],
    ["10.0.0.1/24", "host bits set"],
    ["2001:db8::1/64", "host bits set"],
    ["10.0.0.0/33", "prefix length out of range"],
    ["2001:db8::/129", "prefix length out of range"],
    ["10.0.0.0/", "malformed"],
    ["10.0.0.0/-1", "malformed"],
    ["10.0.0.0/8/8", "malformed"],
    ["10.0.0.0/ 8", "malformed"],
    ["10.0.0/8", "malformed"],
    ["*", "malformed"],
    ["VirtualNetwork", "malformed"],
  ])("when given %j, then it is rejected as %s", (text, reason) => {
    expect(parseCidrStrict(text)).toEqual({ ok: false, reason });
  });
});

describe("parseCidr (lenient)", () => {
  it("when host bits are set, then they are cleared instead of rejected", () => {
    const parsed = parseCidr("10.0.0.1/24");
    expect(parsed.ok && formatCidr(parsed.value)).toBe("10.0.0.0/24");
  });

  it("when the text is not a prefix, then it still fails", () => {
    expect(parseCidr("10.0.0.0/40")).toEqual({ ok: false, reason: "prefix length out of range" });
  });
});

describe("canonical formatting", () => {
  it.each([
    ["10.1.2.3", {}, "10.1.2.3/32"],
    ["10.1.2.3/32", { bareHost: true }, "10.1.2.3"],
    ["2001:0db8:0000::0001", { bareHost: true }, "2001:db8::1"],
    ["10.1.2.0/24", { bareHost: true }, "10.1.2.0/24"],
  ])("canonicalizeCidr(%s, %j) is %s", (text, options, expected) => {
    expect(canonicalizeCidr(text, options)).toEqual({ ok: true, value: expected });
  });

  it("when the prefix is a single host, then isSingleHost says so", () => {
    const host = parseCidrStrict("2001:db8::1");
    const net = parseCidrStrict("2001:db8::/64");
    expect(host.ok && isSingleHost(host.value)).toBe(true);
    expect(net.ok && isSingleHost(net.value)).toBe(false);
  });

  it("formatting a strictly parsed prefix and parsing it again gives the same prefix", () => {
    const v4 = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }));
    const v6 = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 }));
    fc.assert(
      fc.property(fc.oneof(v4, v6), ([ip, length]) => {
        const lenient = parseCidr(`${ip}/${length}`);
        expect(lenient.ok).toBe(true);
        if (!lenient.ok) return;
        const text = formatCidr(lenient.value);
        const strict = parseCidrStrict(text);
        expect(strict.ok && formatCidr(strict.value)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});
