import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { parseIp } from "./parse.ts";
import { embeddedIpv4, isCloudMetadataIp, outboundRefusal } from "./ranges.ts";

function ip(text: string) {
  const parsed = parseIp(text);
  if (!parsed.ok) throw new Error(`bad test IP ${text}`);
  return parsed.value;
}

describe("outboundRefusal (may a notification webhook connect here?)", () => {
  it.each([
    // IPv4, one address inside each refused range and at its edges.
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["10.0.0.5", "private (RFC 1918)"],
    ["10.255.255.255", "private (RFC 1918)"],
    ["172.16.0.1", "private (RFC 1918)"],
    ["172.31.255.254", "private (RFC 1918)"],
    ["192.168.1.1", "private (RFC 1918)"],
    ["169.254.0.1", "link-local"],
    ["169.254.169.254", "cloud metadata"],
    ["168.63.129.16", "cloud metadata"],
    ["0.0.0.0", "unspecified"],
    ["0.255.255.255", "unspecified"],
    ["100.64.0.1", "shared (RFC 6598, carrier-grade NAT)"],
    ["100.127.255.254", "shared (RFC 6598, carrier-grade NAT)"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved (documentation, benchmarking or future use)"],
    ["192.0.0.8", "reserved (documentation, benchmarking or future use)"],
    ["192.0.2.10", "reserved (documentation, benchmarking or future use)"],
    ["198.51.100.7", "reserved (documentation, benchmarking or future use)"],
    ["203.0.113.9", "reserved (documentation, benchmarking or future use)"],
    ["198.18.0.1", "reserved (documentation, benchmarking or future use)"],
    ["198.19.255.254", "reserved (documentation, benchmarking or future use)"],
    // IPv6.
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "private (IPv6 unique local)"],
    ["fdff:ffff::1", "private (IPv6 unique local)"],
    ["fd00:ec2::254", "cloud metadata"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["fec0::1", "site-local"],
    ["ff02::1", "multicast"],
    ["100::1", "discard-only"],
    ["2001:db8::1", "reserved (documentation or IETF protocol assignments)"],
    ["3fff::1", "reserved (documentation or IETF protocol assignments)"],
    ["2001:2::1", "benchmarking"],
    ["2001::1", "Teredo tunnel"],
    ["2001:20::1", "ORCHID (not routable)"],
    ["64:ff9b:1::1", "NAT64 local-use"],
    ["5f00::1", "segment routing (not routable)"],
    ["::7f00:1", "IPv4-compatible (deprecated)"],
    ["4000::1", "unassigned"],
    // IPv6 forms that embed a refused IPv4 address are judged as that address.
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "cloud metadata"],
    ["::ffff:0:a00:5", "private (RFC 1918)"],
    ["64:ff9b::a9fe:a9fe", "cloud metadata"],
    ["64:ff9b::10.0.0.5", "private (RFC 1918)"],
    ["2002:7f00:1::", "loopback"],
    ["2002:a83f:8110::1", "cloud metadata"],
    ["2002:c0a8:101::", "private (RFC 1918)"],
  ])("refuses %s as %s", (address, label) => {
    expect(outboundRefusal(ip(address))).toBe(label);
  });

  it.each(["8.8.8.8", "20.50.1.2", "168.63.129.17", "169.253.255.255", "100.128.0.1", "172.32.0.1", "192.175.48.1", "2603:1000::1", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])(
    "allows the public address %s",
    (address) => {
      expect(outboundRefusal(ip(address))).toBeNull();
    },
  );

  it("judges every IPv4 address and its mapped, translated, NAT64 and 6to4 forms alike", () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        const v4 = ip(text);
        const [a, b, c, d] = v4.toByteArray() as [number, number, number, number];
        const hi = ((a << 8) | b).toString(16);
        const lo = ((c << 8) | d).toString(16);
        const forms = [`::ffff:${text}`, `::ffff:0:${hi}:${lo}`, `64:ff9b::${hi}:${lo}`, `2002:${hi}:${lo}::1`];
        const verdict = outboundRefusal(v4);
        for (const form of forms) expect([form, outboundRefusal(ip(form))]).toEqual([form, verdict]);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("embeddedIpv4", () => {
  it.each([
    ["::ffff:10.1.2.3", "10.1.2.3"],
    ["::ffff:0:a01:203", "10.1.2.3"],
    ["64:ff9b::a01:203", "10.1.2.3"],
    ["2002:a01:203:1::5", "10.1.2.3"],
    ["2001:db8::a01:203", null],
    ["::a01:203", null],
    ["10.1.2.3", null],
  ])("%s embeds %s", (address, expected) => {
    expect(embeddedIpv4(ip(address))?.toString() ?? null).toBe(expected);
  });
});

describe("isCloudMetadataIp", () => {
  it.each([
    ["169.254.169.254", true],
    ["168.63.129.16", true],
    ["fd00:ec2::254", true],
    ["fd00:ec2:0:0:0:0:0:254", true],
    ["169.254.169.253", false],
    ["fd00:ec2::253", false],
  ])("%s: %s", (address, expected) => {
    expect(isCloudMetadataIp(ip(address))).toBe(expected);
  });

  it("compares families before values (an IPv6 address with the same bytes is not the IPv4 metadata address)", () => {
    expect(isCloudMetadataIp(ipaddr.IPv6.parse("::a9fe:a9fe"))).toBe(false);
  });
});
