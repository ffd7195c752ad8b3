import { describe, expect, it } from "vitest";
import type { PolicyPort } from "@portcullis/contract";
import { portKey, portLabel, portNumbers } from "../../../lib/port-label.ts";
import { openingText, portCaption, rangeHint } from "./request-text.ts";
import { rdpFileName } from "./rdp-file.ts";

describe("portLabel", () => {
  it.each<[number, PolicyPort["protocol"], string]>([
    [22, "TCP", "22 (SSH) TCP"],
    [3389, "TCP", "3389 (RDP) TCP"],
    [5985, "TCP", "5985 (WinRM HTTP) TCP"],
    [5986, "TCP", "5986 (WinRM HTTPS) TCP"],
    [8080, "UDP", "Port 8080 UDP"],
    [22, "Any", "22 (SSH) Any"],
  ])("%i %s reads %s", (port, protocol, label) => {
    expect(portLabel({ port, protocol })).toBe(label);
    expect(portKey({ port, protocol })).toBe(`${port}/${protocol}`);
  });
});

describe("portNumbers", () => {
  it.each([
    [[22], "22"],
    [[22, 3389], "22 and 3389"],
    [[22, 3389, 5986], "22, 3389 and 5986"],
    [[53, 53], "53"],
  ])("%j reads %s", (numbers, text) => {
    expect(portNumbers(numbers.map((port) => ({ port })))).toBe(text);
  });
});

const perRequest: PolicyPort = { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" };
const fixed: PolicyPort = { port: 3389, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["10.0.0.0/8", "203.0.113.0/24"] }, maxRequestDuration: "PT1H30M" };
const any: PolicyPort = { port: 5986, protocol: "TCP", allowedSources: { kind: "any" }, maxRequestDuration: "PT24H" };

describe("portCaption", () => {
  it.each([
    [perRequest, "Max 3 h · sources: you choose, up to a /24 (IPv4) or /56 (IPv6)"],
    [fixed, "Max 1 h 30 min · sources: 10.0.0.0/8, 203.0.113.0/24"],
    [any, "Max 24 h · sources: any, including the whole Internet"],
  ])("%j", (port, caption) => {
    expect(portCaption(port)).toBe(caption);
  });
});

describe("rangeHint", () => {
  it("names the policy's allowed sources the ranges must fit", () => {
    expect(rangeHint([perRequest, fixed])).toContain("must fit the policy's allowed sources (10.0.0.0/8, 203.0.113.0/24)");
    expect(rangeHint([perRequest])).toContain("must fit the policy's allowed sources");
    expect(rangeHint([any])).toContain("allows any source");
    expect(rangeHint([perRequest])).toContain("together at most a /24 (256 IPv4 addresses) or a /56");
    const roomy = { ...perRequest, allowedSources: { kind: "per-request" as const, maxPrefixSize: { ipv4: 20, ipv6: 48 } } };
    expect(rangeHint([roomy])).toContain("together at most a /20 (4,096 IPv4 addresses) or a /48");
    expect(rangeHint([roomy, perRequest])).toContain("together at most a /24 (256 IPv4 addresses) or a /56");
  });
});

describe("openingText", () => {
  it.each([
    [[22], [], "Opening port 22 in the network security group…"],
    [[22], ["nsg-vm-dev-api-03"], "Opening port 22 in the network security group nsg-vm-dev-api-03…"],
    [[22, 3389], ["nsg-a", "nsg-b"], "Opening ports 22 and 3389 in the network security groups nsg-a and nsg-b…"],
  ])("ports %j in %j", (ports, nsgs, text) => {
    expect(openingText(ports.map((port) => ({ port })), nsgs)).toBe(text);
  });
});

describe("rdpFileName", () => {
  it("is the VM's name with characters a file name cannot hold replaced", () => {
    expect(rdpFileName("vm-dev-web-01")).toBe("vm-dev-web-01.rdp");
    expect(rdpFileName("vm/with space")).toBe("vm_with_space.rdp");
  });
});
