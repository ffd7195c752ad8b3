import { isRestError } from "@azure/arm-network";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../emulator.ts";
import { DEV, PROD, inboundRule } from "../test-support/estate-paths.ts";
import { rawRequest } from "../test-support/raw-http.ts";
import { type SdkClients, sdkClients } from "../test-support/sdk-clients.ts";
import type { RunningEmulator } from "../types.ts";

let emulator: RunningEmulator;
let prod: SdkClients;
let dev: SdkClients;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: null });
  prod = sdkClients(emulator, PROD);
  dev = sdkClients(emulator, DEV);
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.control.reset({ kind: "demo" });
  emulator.control.setConfig({ writeLatencyMs: 30, writeRatePerSecond: null, readLatencyMs: 0 });
});

interface Failure {
  statusCode?: number;
  code?: string;
  retryAfter?: string | undefined;
}

async function failureOf(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (err) {
    if (isRestError(err)) return { statusCode: err.statusCode, code: err.code, retryAfter: err.response?.headers.get("retry-after") };
    throw err;
  }
  throw new Error("expected the call to fail");
}

const nsgKey = (rg: string, nsg: string) => `/subscriptions/${PROD}/resourcegroups/${rg}/providers/microsoft.network/networksecuritygroups/${nsg}`;
const putRule = (c: SdkClients, rg: string, nsg: string, name: string, priority: number) =>
  c.network.securityRules.beginCreateOrUpdateAndWait(rg, nsg, name, inboundRule(priority, "22"));

describe("another operation in progress", () => {
  it("while a write holds an NSG, every other write to it gets 429 RetryableError (RetryableErrorDueToAnotherOperation in details) with Retry-After", async () => {
    emulator.control.setConfig({ writeLatencyMs: 1200 });
    const first = prod.network.securityRules.createOrUpdate("rg-app-prod", "nsg-vm-prod-app-01", "first", inboundRule(120, "22"));
    await first.submitted();
    const raw = await rawRequest(emulator, "PUT", `/subscriptions/${PROD}/resourceGroups/rg-app-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-vm-prod-app-01/securityRules/raw?api-version=2026-01-01`, { body: { properties: inboundRule(140, "22") } });
    expect(raw).toMatchObject({ status: 429, body: { error: { code: "RetryableError", message: "A retryable error occurred." } } });
    const details = (raw.body as { error: { details: Array<{ code: string; message: string }> } }).error.details;
    expect(details).toEqual([{ code: "RetryableErrorDueToAnotherOperation", message: expect.stringMatching(/^Operation PutSecurityRuleOperation \([0-9a-f-]{36}\) is updating resource .*nsg-vm-prod-app-01\. The call can be retried in \d+ seconds\.$/) }]);
    const secondRule = await failureOf(putRule(prod, "rg-app-prod", "nsg-vm-prod-app-01", "second", 130));
    const ruleDelete = await failureOf(prod.network.securityRules.beginDeleteAndWait("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any"));
    const wholeNsg = await failureOf(prod.network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", { location: "westeurope" }));
    for (const failure of [secondRule, ruleDelete, wholeNsg]) {
      expect(failure).toMatchObject({ statusCode: 429, code: "RetryableError" });
      expect(Number(failure.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // Other NSGs are not held.
    await expect(putRule(prod, "rg-app-prod", "nsg-vm-prod-app-03", "other", 130)).resolves.toMatchObject({ provisioningState: "Succeeded" });
    await first;
    await expect(putRule(prod, "rg-app-prod", "nsg-vm-prod-app-01", "second", 130)).resolves.toMatchObject({ name: "second" });
    expect(emulator.control.counters().conflicts).toBe(4);
  });

  it("the SDK's own retry policy honours Retry-After and gets through once the NSG is free", async () => {
    emulator.control.setConfig({ writeLatencyMs: 300 });
    const retrying = sdkClients(emulator, PROD, { maxRetries: 3 });
    const first = prod.network.securityRules.createOrUpdate("rg-app-prod", "nsg-vm-prod-app-01", "first", inboundRule(120, "22"));
    await first.submitted();
    await expect(putRule(retrying, "rg-app-prod", "nsg-vm-prod-app-01", "second", 130)).resolves.toMatchObject({ provisioningState: "Succeeded" });
    await first;
  });
});

describe("write rate limit", () => {
  it("past the per-subscription rate, writes get 429 SubscriptionRequestsThrottled with Retry-After; other subscriptions are unaffected", async () => {
    // Half a write per second: the bucket holds one write and refills in 2 s.
    emulator.control.setConfig({ writeRatePerSecond: 0.5 });
    await putRule(prod, "rg-app-prod", "nsg-vm-prod-app-01", "a", 120);
    const second = await failureOf(putRule(prod, "rg-app-prod", "nsg-vm-prod-app-03", "c", 120));
    expect(second).toMatchObject({ statusCode: 429, code: "SubscriptionRequestsThrottled" });
    expect(["1", "2"]).toContain(second.retryAfter);
    await expect(putRule(dev, "rg-dev-sandbox", "nsg-vm-dev-sbx-01", "d", 120)).resolves.toMatchObject({ name: "d" });
    expect(emulator.control.counters().throttled).toBe(1);
    // Reads are never throttled.
    await expect(prod.network.networkSecurityGroups.get("rg-app-prod", "nsg-vm-prod-app-03")).resolves.toBeDefined();
  });
});

describe("faults", () => {
  it("a status fault answers its status and code the given number of times, only on matching requests", async () => {
    emulator.control.addFault({
      match: { method: "GET", pathContains: "/networkSecurityGroups/nsg-snet-web" },
      times: 2,
      fault: { kind: "status", status: 503, code: "ServiceUnavailable", retryAfterSeconds: 2 },
    });
    await expect(prod.network.networkSecurityGroups.get("rg-net-prod", "nsg-snet-data")).resolves.toBeDefined();
    const get = () => prod.network.networkSecurityGroups.get("rg-net-prod", "nsg-snet-web");
    expect(await failureOf(get())).toEqual({ statusCode: 503, code: "ServiceUnavailable", retryAfter: "2" });
    expect(await failureOf(get())).toMatchObject({ statusCode: 503 });
    await expect(get()).resolves.toMatchObject({ name: "nsg-snet-web" });
  });

  it("a stall fault delays one matching request", async () => {
    emulator.control.addFault({ match: { pathContains: "virtualMachines/vm-prod-web-01" }, times: 1, fault: { kind: "stall", ms: 400 } });
    const timed = async () => {
      const started = Date.now();
      await prod.compute.virtualMachines.get("rg-web-prod", "vm-prod-web-01");
      return Date.now() - started;
    };
    expect(await timed()).toBeGreaterThanOrEqual(390);
    // The fault is used up: the next call is not stalled again (no timing bound here; speed is for benchmarks).
    await expect(prod.compute.virtualMachines.get("rg-web-prod", "vm-prod-web-01")).resolves.toMatchObject({ name: "vm-prod-web-01" });
  });

  it("an lro-fail fault ends the next matching write in Failed and leaves the NSG as it was", async () => {
    const before = await prod.network.networkSecurityGroups.get("rg-app-prod", "nsg-vm-prod-app-01");
    emulator.control.addFault({ match: { method: "PUT", pathContains: "securityRules/doomed" }, times: 1, fault: { kind: "lro-fail", code: "InternalServerError", message: "Simulated failure." } });
    // A write refused up front does not use the fault up.
    expect(await failureOf(putRule(prod, "rg-app-prod", "nsg-vm-prod-app-01", "doomed", 99))).toMatchObject({ code: "SecurityRuleInvalidPriority" });
    await expect(putRule(prod, "rg-app-prod", "nsg-vm-prod-app-01", "doomed", 120)).rejects.toThrow(/InternalServerError\. Simulated failure\./);
    const after = await prod.network.networkSecurityGroups.get("rg-app-prod", "nsg-vm-prod-app-01");
    expect(after.etag).toBe(before.etag);
    expect(after.securityRules?.map((r) => r.name)).toEqual(before.securityRules?.map((r) => r.name));
    await expect(putRule(prod, "rg-app-prod", "nsg-vm-prod-app-01", "doomed", 120)).resolves.toMatchObject({ name: "doomed" });
  });

  it("an lro-latency fault makes the next matching write's operation take that long, and only that write", async () => {
    emulator.control.addFault({ match: { method: "PUT", pathContains: "securityRules/slow" }, times: 1, fault: { kind: "lro-latency", ms: 1500 } });
    const started = Date.now();
    await putRule(prod, "rg-app-prod", "nsg-vm-prod-app-01", "slow", 121);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    await expect(putRule(prod, "rg-app-prod", "nsg-vm-prod-app-01", "slow", 122)).resolves.toMatchObject({ name: "slow" });
  });

  it("clearFaults removes every pending fault", async () => {
    emulator.control.addFault({ match: {}, times: 100, fault: { kind: "status", status: 500, code: "InternalServerError" } });
    emulator.control.clearFaults();
    await expect(prod.subscriptions.subscriptions.get(PROD)).resolves.toBeDefined();
  });
});

describe("read latency", () => {
  it("delays every read by readLatencyMs", async () => {
    emulator.control.setConfig({ readLatencyMs: 150 });
    const started = Date.now();
    await prod.network.networkSecurityGroups.get("rg-net-prod", "nsg-snet-web");
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });
});

describe("counters", () => {
  it("counts requests, reads, writes per NSG, and resets", async () => {
    emulator.control.resetCounters();
    await prod.network.networkSecurityGroups.get("rg-app-prod", "nsg-vm-prod-app-01");
    await putRule(prod, "rg-app-prod", "nsg-vm-prod-app-01", "counted", 120);
    await prod.network.securityRules.beginDeleteAndWait("rg-app-prod", "nsg-vm-prod-app-01", "counted");
    const counters = emulator.control.counters();
    expect(counters.writes).toBe(2);
    expect(counters.writesByNsg).toEqual({ [nsgKey("rg-app-prod", "nsg-vm-prod-app-01")]: 2 });
    // 1 GET + PUT's poll and final GET + DELETE's poll.
    expect(counters.reads).toBe(4);
    expect(counters.requests).toBe(6);
    emulator.control.resetCounters();
    expect(emulator.control.counters()).toEqual({ requests: 0, reads: 0, writes: 0, writesByNsg: {}, throttled: 0, conflicts: 0 });
  });
});
