import { describe, expect, it } from "vitest";
import { checkTrustedProxies, expandTrustedProxies, resolveClientIp } from "./client-ip.ts";

const proxies = ["10.0.0.0/24", "2001:db8:ffff::/48", "127.0.0.1"];

describe("resolveClientIp", () => {
  it.each<{ when: string; remote: string | undefined; xff?: string; trusted?: string[]; expected: string | null }>([
    { when: "no proxy and no header", remote: "203.0.113.7", expected: "203.0.113.7" },
    { when: "an untrusted peer sends a header (forged)", remote: "203.0.113.7", xff: "198.51.100.1", expected: "203.0.113.7" },
    { when: "an untrusted peer sends a header naming a trusted proxy", remote: "203.0.113.7", xff: "198.51.100.1, 10.0.0.5", expected: "203.0.113.7" },
    { when: "a trusted proxy forwards a client", remote: "10.0.0.5", xff: "203.0.113.7", expected: "203.0.113.7" },
    { when: "a trusted proxy forwards a client that forged its own entry", remote: "10.0.0.5", xff: "198.51.100.1, 203.0.113.7", expected: "203.0.113.7" },
    { when: "two trusted proxies in a row", remote: "10.0.0.5", xff: "198.51.100.1, 203.0.113.7, 10.0.0.9", expected: "203.0.113.7" },
    { when: "several headers joined by Node", remote: "10.0.0.5", xff: "198.51.100.1,203.0.113.7 ,  10.0.0.9", expected: "203.0.113.7" },
    { when: "every hop is trusted (the leftmost is the client)", remote: "10.0.0.5", xff: "10.0.0.7, 10.0.0.9", expected: "10.0.0.7" },
    { when: "a trusted proxy sends no header", remote: "10.0.0.5", expected: "10.0.0.5" },
    { when: "a trusted proxy sends an empty header", remote: "10.0.0.5", xff: "", expected: "10.0.0.5" },
    { when: "a malformed entry right of the client", remote: "10.0.0.5", xff: "203.0.113.7, unknown", expected: "10.0.0.5" },
    { when: "a malformed entry behind a trusted hop", remote: "10.0.0.5", xff: "203.0.113.7, garbage, 10.0.0.9", expected: "10.0.0.9" },
    { when: "an empty entry", remote: "10.0.0.5", xff: "203.0.113.7,,10.0.0.9", expected: "10.0.0.9" },
    { when: "IPv4-mapped IPv6 everywhere", remote: "::ffff:10.0.0.5", xff: "::ffff:203.0.113.7", expected: "203.0.113.7" },
    { when: "an IPv4-mapped untrusted peer", remote: "::ffff:203.0.113.7", xff: "198.51.100.1", expected: "203.0.113.7" },
    { when: "the loopback proxy over a dual-stack socket", remote: "::ffff:127.0.0.1", xff: "203.0.113.7", expected: "203.0.113.7" },
    { when: "IPv6 hops", remote: "2001:db8:ffff::2", xff: "2001:DB8:0:0::7", expected: "2001:db8::7" },
    { when: "entries with ports (Application Gateway)", remote: "10.0.0.5", xff: "203.0.113.7:54321", expected: "203.0.113.7" },
    { when: "a bracketed IPv6 entry with a port", remote: "10.0.0.5", xff: "[2001:db8::7]:443", expected: "2001:db8::7" },
    { when: "an IPv6 remote address", remote: "2001:db8::7", expected: "2001:db8::7" },
    { when: "no trusted proxies", remote: "10.0.0.5", xff: "203.0.113.7", trusted: [], expected: "10.0.0.5" },
    { when: "a trusted list that does not parse", remote: "10.0.0.5", xff: "203.0.113.7", trusted: ["10.0.0.0/33", "proxy.internal"], expected: "10.0.0.5" },
    { when: "a trusted list holding 0.0.0.0/0 (refused: anyone could choose their IP)", remote: "203.0.113.7", xff: "198.51.100.1", trusted: ["0.0.0.0/0"], expected: "203.0.113.7" },
    { when: "no remote address (the socket is gone)", remote: undefined, xff: "203.0.113.7", expected: null },
    { when: "a remote address that is not an IP", remote: "localhost", expected: null },
  ])("when $when, returns $expected", ({ remote, xff, trusted, expected }) => {
    expect(resolveClientIp({ remoteAddress: remote, forwardedFor: xff, trustedProxies: trusted ?? proxies })).toBe(expected);
  });
});

describe("checkTrustedProxies", () => {
  it("accepts CIDRs and bare IPs of both families", () => {
    expect(checkTrustedProxies(["10.0.0.0/24", "127.0.0.1", "::1", "2001:db8::/32"])).toEqual([]);
  });

  it.each([
    ["10.0.0.1/24", '"10.0.0.1/24" is not an IPv4 or IPv6 address or CIDR with its host bits clear (host bits set)'],
    ["proxy.internal", '"proxy.internal" is not an IPv4 or IPv6 address or CIDR with its host bits clear (malformed)'],
    ["0.0.0.0/0", "0.0.0.0/0 would trust every address, which lets any client choose its own IP"],
    ["::/0", "::/0 would trust every address, which lets any client choose its own IP"],
  ])("refuses %s", (entry, rule) => {
    expect(checkTrustedProxies(["127.0.0.1", entry])).toEqual([{ field: "trustedProxies[1]", rule }]);
  });

  it.each([
    { list: ["0.0.0.0/1", "128.0.0.0/1"], rule: "together the entries trust every IPv4 address, which lets any client choose its own IP" },
    { list: ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], rule: "together the entries trust every IPv4 address, which lets any client choose its own IP" },
    { list: ["::/1", "8000::/1"], rule: "together the entries trust every IPv6 address, which lets any client choose its own IP" },
    { list: ["128.0.0.0/1"], rule: /^together the entries trust [\d,]+ IPv4 addresses \(as wide as a \/1\) on the public Internet, more than a \/8/ },
    { list: ["20.0.0.0/8", "21.0.0.0/8"], rule: /^together the entries trust 33,554,432 IPv4 addresses \(as wide as a \/7\) on the public Internet/ },
  ])("refuses a list that together trusts too much of the Internet: $list", ({ list, rule }) => {
    const problems = checkTrustedProxies(list);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe("trustedProxies");
    expect(problems[0]?.rule).toMatch(rule);
  });

  it("accepts wide private ranges (they are not the public Internet) and a CDN's published ranges", () => {
    expect(checkTrustedProxies(expandTrustedProxies(["loopback", "linklocal", "uniquelocal"]))).toEqual([]);
    expect(checkTrustedProxies(["103.21.244.0/22", "104.16.0.0/13", "172.64.0.0/13", "2400:cb00::/32", "2606:4700::/32"])).toEqual([]);
  });

  it("resolveClientIp trusts nobody when the list together trusts too much (a forged header is ignored)", () => {
    expect(resolveClientIp({ remoteAddress: "203.0.113.7", forwardedFor: "198.51.100.1", trustedProxies: ["0.0.0.0/1", "128.0.0.0/1"] })).toBe("203.0.113.7");
    expect(resolveClientIp({ remoteAddress: "10.0.0.5", forwardedFor: "198.51.100.1", trustedProxies: ["10.0.0.0/8"] })).toBe("198.51.100.1");
  });
});
