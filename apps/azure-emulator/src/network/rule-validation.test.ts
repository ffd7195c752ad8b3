import { type SecurityRule, isRestError } from "@azure/arm-network";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../emulator.ts";
import { PROD, inboundRule } from "../test-support/estate-paths.ts";
import { type SdkClients, sdkClients } from "../test-support/sdk-clients.ts";
import type { RunningEmulator } from "../types.ts";
import { classifyPrefix, isPortRange } from "./address.ts";

let emulator: RunningEmulator;
let sdk: SdkClients;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: null, writeLatencyMs: 10 });
  sdk = sdkClients(emulator, PROD);
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.control.reset({ kind: "demo" }));

async function errorOf(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message?: string } | "ok"> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    if (isRestError(err)) return { statusCode: err.statusCode, code: err.code, message: err.message };
    throw err;
  }
}

// nsg-vm-prod-app-01 holds Allow-SSH-Any (Inbound, 100) and Allow-App-VNet (Inbound, 110).
const putRule = (name: string, rule: SecurityRule) => sdk.network.securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", name, rule);
const base = inboundRule(200, "22");

describe("security rule validation through the SDK", () => {
  it.each<[string, string, SecurityRule]>([
    ["priority below 100", "SecurityRuleInvalidPriority", { ...base, priority: 99 }],
    ["priority above 4096", "SecurityRuleInvalidPriority", { ...base, priority: 4097 }],
    ["the priority and direction of another rule", "SecurityRuleConflict", { ...base, priority: 110 }],
    ["host bits set in a CIDR", "SecurityRuleInvalidAddressPrefix", { ...base, sourceAddressPrefix: "10.0.0.5/24" }],
    ["a prefix length out of range", "SecurityRuleInvalidAddressPrefix", { ...base, sourceAddressPrefix: "10.0.0.0/33" }],
    ["a malformed address", "SecurityRuleInvalidAddressPrefix", { ...base, sourceAddressPrefix: "300.1.1.1" }],
    ["IPv6 host bits set", "SecurityRuleInvalidAddressPrefix", { ...base, destinationAddressPrefix: "fd00::1/48" }],
    ["an unsupported protocol", "SecurityRuleParameterContainsUnsupportedValue", { ...base, protocol: "Http" }],
    ["an unsupported access", "SecurityRuleParameterContainsUnsupportedValue", { ...base, access: "Permit" }],
    ["an unsupported direction", "SecurityRuleParameterContainsUnsupportedValue", { ...base, direction: "Sideways" }],
    ["a service tag in the plural prefixes", "SecurityRuleParameterContainsUnsupportedValue", { ...base, sourceAddressPrefix: undefined, sourceAddressPrefixes: ["203.0.113.0/24", "Internet"] }],
    ["a description over 140 characters", "SecurityRuleParameterContainsUnsupportedValue", { ...base, description: "x".repeat(141) }],
    ["a port above 65535", "SecurityRuleInvalidPortRange", { ...base, destinationPortRange: "70000" }],
    ["a reversed port range", "SecurityRuleInvalidPortRange", { ...base, destinationPortRange: "30-20" }],
  ])("rejects %s with 400 %s", async (_case, code, rule) => {
    expect(await errorOf(putRule("candidate", rule))).toMatchObject({ statusCode: 400, code });
  });

  it("rejects a rule name over 80 characters with InvalidResourceName", async () => {
    expect(await errorOf(putRule("r".repeat(81), base))).toMatchObject({ statusCode: 400, code: "InvalidResourceName" });
    expect(await errorOf(putRule("r".repeat(80), base))).toBe("ok");
  });

  it("reports a conflict with ARM's message naming both rules", async () => {
    const err = await errorOf(putRule("candidate", { ...base, priority: 100 }));
    expect(err).toMatchObject({ message: "Security rule candidate conflicts with rule Allow-SSH-Any. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules." });
  });

  it.each<[string, SecurityRule]>([
    ["the same priority in the other direction", { ...base, priority: 100, direction: "Outbound" }],
    ["an IPv6 CIDR", { ...base, sourceAddressPrefix: "2001:db8::/32" }],
    ["a regional service tag", { ...base, sourceAddressPrefix: "AzureCloud.WestEurope" }],
    ["plural prefixes and ports", { ...base, sourceAddressPrefix: undefined, sourceAddressPrefixes: ["203.0.113.7", "198.51.100.0/24"], destinationPortRange: undefined, destinationPortRanges: ["22", "5985-5986"] }],
  ])("accepts %s", async (_case, rule) => {
    expect(await errorOf(putRule("candidate", rule))).toBe("ok");
  });

  it("answers with ARM's canonical spelling of enum values", async () => {
    const rule = await putRule("candidate", { ...base, protocol: "tcp", access: "allow", direction: "inbound" });
    expect(rule).toMatchObject({ protocol: "Tcp", access: "Allow", direction: "Inbound" });
  });
});

describe("rule-set limits on whole-NSG writes", () => {
  const many = (count: number): SecurityRule[] => Array.from({ length: count }, (_, i) => ({ name: `r${i}`, ...inboundRule(100 + (i % 2000), "443"), direction: i < 2000 ? "Inbound" : "Outbound" }));

  it("accepts 1,000 rules and refuses 1,001 with SecurityRuleCountLimitReached", async () => {
    const put = (count: number) => sdk.network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-big", { location: "westeurope", securityRules: many(count) });
    expect(await errorOf(put(1000))).toBe("ok");
    expect(await errorOf(put(1001))).toMatchObject({ statusCode: 400, code: "SecurityRuleCountLimitReached", message: "A security group cannot have more than 1000 security rules." });
  });

  it("refuses two rules with the same name", async () => {
    const rules: SecurityRule[] = [{ name: "dup", ...inboundRule(100, "22") }, { name: "DUP", ...inboundRule(110, "22") }];
    const err = await errorOf(sdk.network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-dup", { location: "westeurope", securityRules: rules }));
    expect(err).toMatchObject({ statusCode: 400, code: "DuplicateResourceName" });
  });
});

describe("address prefixes and port ranges", () => {
  it.each([
    ["*", "any"],
    ["Internet", "tag"],
    ["Storage.WestEurope", "tag"],
    ["10.1.2.3", "address"],
    ["10.1.0.0/16", "address"],
    ["0.0.0.0/0", "address"],
    ["::/0", "address"],
    ["fd00:10:10:1::4", "address"],
    ["10.1.2.3/16", "invalid"],
    ["10.1.2", "invalid"],
    ["10.1.2.3/40", "invalid"],
    ["fd00::1/64", "invalid"],
    ["Inter net", "invalid"],
  ])("%s is %s", (value, kind) => {
    expect(classifyPrefix(value)).toBe(kind);
  });

  it.each([
    ["*", true],
    ["22", true],
    ["0-65535", true],
    ["65536", false],
    ["22,23", false],
    ["", false],
  ])("port range %j valid: %s", (value, valid) => {
    expect(isPortRange(value)).toBe(valid);
  });
});
