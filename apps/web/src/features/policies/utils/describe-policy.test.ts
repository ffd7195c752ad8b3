import { describe, expect, it } from "vitest";
import type { PolicyPort } from "@portcullis/contract";
import { describePolicyPort } from "../../../lib/policy-port-text.ts";
import { vmNameFromId } from "../../../lib/vm-name.ts";
import { ruleProtocolLabel } from "./describe-policy.ts";

describe("describePolicyPort", () => {
  it.each<[PolicyPort, string]>([
    [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }, "22 TCP · 3 h · per request"],
    [{ port: 3389, protocol: "Any", allowedSources: { kind: "any" }, maxRequestDuration: "PT90M" }, "3389 Any · 1 h 30 min · any source"],
    [{ port: 5986, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["10.0.0.0/8"] }, maxRequestDuration: "PT30M" }, "5986 TCP · 30 min · 10.0.0.0/8"],
    [{ port: 5985, protocol: "UDP", allowedSources: { kind: "prefixes", prefixes: ["10.0.0.0/8", "10.1.0.0/16", "::1"] }, maxRequestDuration: "PT24H" }, "5985 UDP · 24 h · 10.0.0.0/8 +2"],
  ])("%j reads %s", (port, words) => {
    expect(describePolicyPort(port)).toBe(words);
  });
});

describe("vmNameFromId", () => {
  it("takes the VM's name from its ARM id", () => {
    expect(vmNameFromId("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-01")).toBe("vm-web-01");
  });
  it("keeps anything else as it is", () => {
    expect(vmNameFromId("vm-web-01")).toBe("vm-web-01");
  });
});

describe("ruleProtocolLabel", () => {
  it.each([
    ["Tcp", "TCP"],
    ["Udp", "UDP"],
    ["*", "Any"],
  ])("ARM's %s reads %s", (protocol, label) => {
    expect(ruleProtocolLabel(protocol)).toBe(label);
  });
});
