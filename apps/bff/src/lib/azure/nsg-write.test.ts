import { createHttpHeaders, createPipelineRequest, RestError } from "@azure/core-rest-pipeline";
import { demoSubscriptions, startEmulator, type RunningEmulator } from "@portcullis/azure-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testArmClients } from "../../test-support/test-arm.ts";
import { readNsg } from "./nsg-read.ts";
import { classifyWriteError, NsgWriteAttemptError, parseRetryAfter, writeNsg } from "./nsg-write.ts";

function armError(status: number, code: string, retryAfter?: string): RestError {
  const request = createPipelineRequest({ url: "https://arm.test/x" });
  return new RestError(`${code} happened`, {
    statusCode: status,
    code,
    request,
    response: { status, request, headers: createHttpHeaders(retryAfter === undefined ? {} : { "retry-after": retryAfter }) },
  });
}

describe("what a failed NSG write means", () => {
  it.each([
    [412, "PreconditionFailed", "precondition"],
    [409, "AnotherOperationInProgress", "busy"],
    [429, "RetryableErrorDueToAnotherOperation", "busy"],
    [429, "SubscriptionRequestsThrottled", "throttled"],
    [409, "InvalidResourceLocation", "rejected"],
    [400, "SecurityRuleConflict", "rejected"],
    [403, "AuthorizationFailed", "rejected"],
    [404, "ResourceNotFound", "not-found"],
    [503, "ServiceUnavailable", "unreachable"],
  ])("HTTP %i %s is %s", (status, code, kind) => {
    expect(classifyWriteError(armError(status, code))).toMatchObject({ kind, status, code, message: `${code} happened` });
  });

  it("reads Retry-After in seconds", () => {
    expect(classifyWriteError(armError(429, "SubscriptionRequestsThrottled", "7")).retryAfterMs).toBe(7000);
  });

  it("reads the failed long-running operation's code and message", () => {
    expect(classifyWriteError(new Error("The long-running operation has failed. NetworkingInternalOperationError. An error occurred."))).toEqual({
      kind: "operation-failed",
      status: null,
      code: "NetworkingInternalOperationError",
      message: "An error occurred.",
      retryAfterMs: null,
    });
  });

  it("treats a request that got no answer as an unknown outcome", () => {
    expect(classifyWriteError(new RestError("socket hang up", { code: "ECONNRESET" }))).toMatchObject({ kind: "unreachable", status: null, code: "ECONNRESET" });
  });

  it.each([
    ["5", 5000],
    ["", null],
    ["soon", null],
    [new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), 10_000],
  ])("Retry-After %j is %s ms", (value, expected) => {
    expect(parseRetryAfter(value, Date.UTC(2030, 0, 1))).toBe(expected);
  });
});

describe("a busy NSG in the Azure emulator (Azure's shape: 429 RetryableError, the reason in details)", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ dataDir: null, writeLatencyMs: 1500 });
  });
  afterAll(() => emulator.stop());

  it("is classified busy, not throttled, for a whole-NSG write through the SDK", async () => {
    const clients = testArmClients(emulator);
    const nsgId = `/subscriptions/${demoSubscriptions.prod.id}/resourceGroups/rg-app-prod/providers/Microsoft.Network/networkSecurityGroups/nsg-vm-prod-app-01`;
    const before = await readNsg(clients, nsgId);
    const holding = writeNsg(clients, nsgId, { ...before.arm, tags: { held: "yes" } }, before.etag);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = await writeNsg(clients, nsgId, { ...before.arm, tags: { second: "yes" } }, "*").catch((error: unknown) => error);
    expect(second).toBeInstanceOf(NsgWriteAttemptError);
    expect((second as NsgWriteAttemptError).failure).toMatchObject({ kind: "busy", status: 429, code: "RetryableError", unknownOutcome: false });
    expect((second as NsgWriteAttemptError).failure.retryAfterMs).toBeGreaterThanOrEqual(1000);
    await holding;
  });
});
