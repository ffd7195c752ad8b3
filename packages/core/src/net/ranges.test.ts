import { describe, expect, it } from "vitest";
import { parseIp } from "./parse.ts";
import { isAzurePlatformIp, isPubliclyRoutable } from "./ranges.ts";

function ip(text: string) {
  const parsed = parseIp(text);
  if (!parsed.ok) throw new Error(`bad test IP ${text}`);
  return parsed.value;
}

describe("isPubliclyRoutable", () => {
  it.each([
    ["8.8.8.8", true],
    ["20.50.1.2", true],
    ["10.1.2.3", false],
    ["172.16.0.1", false],
    ["192.168.1.1", false],
    ["100.64.0.1", false],
    ["127.0.0.1", false],
    ["169.254.169.254", false],
    ["168.63.129.16", false],
    ["168.63.129.17", true],
    ["0.0.0.0", false],
    ["224.0.0.1", false],
    ["2603:1000::1", true],
    ["2001:db8::1", false],
    ["fd00::1", false],
    ["fe80::1", false],
    ["::1", false],
  ])("%s: %s", (address, expected) => {
    expect(isPubliclyRoutable(ip(address))).toBe(expected);
  });

  it("recognises Azure's platform IP only exactly", () => {
    expect(isAzurePlatformIp(ip("168.63.129.16"))).toBe(true);
    expect(isAzurePlatformIp(ip("168.63.129.15"))).toBe(false);
    expect(isAzurePlatformIp(ip("::ffff:a83f:8110"))).toBe(false);
  });
});
