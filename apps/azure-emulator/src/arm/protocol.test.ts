import { isRestError } from "@azure/arm-network";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../emulator.ts";
import { NETWORK, PROD, inboundRule, nsgPath, rulePath } from "../test-support/estate-paths.ts";
import { rawRequest } from "../test-support/raw-http.ts";
import { sdkClients } from "../test-support/sdk-clients.ts";
import type { RunningEmulator } from "../types.ts";

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: null, writeLatencyMs: 30 });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.control.reset({ kind: "demo" });
  emulator.control.setConfig({ writeLatencyMs: 30 });
});

const ruleBody = { properties: inboundRule(150, "22") };

describe("authentication", () => {
  it("answers 401 AuthenticationFailed without an Authorization header", async () => {
    const res = await rawRequest(emulator, "GET", `/subscriptions?api-version=2022-12-01`, { token: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing.", details: [] } });
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
  });

  it("answers 401 for a header that is not a bearer token", async () => {
    const res = await rawRequest(emulator, "GET", `/subscriptions?api-version=2022-12-01`, { token: null, headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(res).toMatchObject({ status: 401, body: { error: { code: "AuthenticationFailed" } } });
  });

  it("a plugged-in verifier decides, and its reason becomes the error message", async () => {
    const strict = await startEmulator({ dataDir: null, verifyToken: async (token) => (token === "good-token" ? true : "The audience is invalid.") });
    try {
      const ok = await rawRequest(strict, "GET", `/subscriptions?api-version=2022-12-01`, { token: "good-token" });
      const bad = await rawRequest(strict, "GET", `/subscriptions?api-version=2022-12-01`, { token: "other" });
      expect(ok.status).toBe(200);
      expect(bad).toMatchObject({ status: 401, body: { error: { code: "InvalidAuthenticationToken", message: "The audience is invalid." } } });
      const err = await sdkClients(strict, PROD).network.networkSecurityGroups.get("rg-web-prod", "x").catch((e: unknown) => e);
      expect(isRestError(err) && [err.statusCode, err.code]).toEqual([401, "InvalidAuthenticationToken"]);
    } finally {
      await strict.stop();
    }
  });
});

describe("api-version", () => {
  it("answers 400 MissingApiVersionParameter without api-version", async () => {
    const res = await rawRequest(emulator, "GET", nsgPath("rg-net-prod", "nsg-snet-web"));
    expect(res).toMatchObject({ status: 400, body: { error: { code: "MissingApiVersionParameter" } } });
  });

  it.each([
    [nsgPath("rg-net-prod", "nsg-snet-web"), "NoRegisteredProviderFound"],
    ["/subscriptions", "InvalidApiVersionParameter"],
  ])("answers 400 for an api-version the SDKs do not send (%s)", async (path, code) => {
    const res = await rawRequest(emulator, "GET", `${path}?api-version=2019-01-01`);
    expect(res).toMatchObject({ status: 400, body: { error: { code } } });
  });
});

describe("long-running operations on the wire", () => {
  it("a PUT answers 201 with the rule as written (Succeeded, as Azure's examples) and Azure-AsyncOperation; the status reads InProgress at once, then Succeeded", async () => {
    emulator.control.setConfig({ writeLatencyMs: 1600 });
    const put = await rawRequest(emulator, "PUT", `${rulePath("rg-app-prod", "nsg-vm-prod-app-01", "wire")}?${NETWORK}`, { body: ruleBody });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ name: "wire", properties: { provisioningState: "Succeeded" } });
    const statusUrl = String(put.headers["azure-asyncoperation"]);
    expect(statusUrl).toMatch(new RegExp(`^${emulator.url}/subscriptions/${PROD}/providers/Microsoft.Network/locations/westeurope/operations/[0-9a-f-]{36}\\?api-version=2026-01-01$`));

    const early = await rawRequest(emulator, "GET", statusUrl);
    expect(early.body).toEqual({ status: "InProgress" });
    expect(Number(early.headers["retry-after"])).toBeGreaterThanOrEqual(1);

    await new Promise((r) => setTimeout(r, 700));
    const late = await rawRequest(emulator, "GET", statusUrl);
    expect(late.body).toEqual({ status: "Succeeded" });
  });

  it("a DELETE answers 202 with Azure-AsyncOperation and Location; the operation result ends in 204", async () => {
    const del = await rawRequest(emulator, "DELETE", `${rulePath("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any")}?${NETWORK}`);
    expect(del.status).toBe(202);
    expect(del.headers["azure-asyncoperation"]).toBeDefined();
    const result = await rawRequest(emulator, "GET", String(del.headers["location"]));
    expect(result.status).toBe(204);
  });

  it("an lro-fail fault shows as status Failed with the fault's error", async () => {
    emulator.control.addFault({ match: { method: "PUT" }, times: 1, fault: { kind: "lro-fail", code: "NetworkingInternalOperationError", message: "An error occurred." } });
    const put = await rawRequest(emulator, "PUT", `${rulePath("rg-app-prod", "nsg-vm-prod-app-01", "wire")}?${NETWORK}`, { body: ruleBody });
    const status = await rawRequest(emulator, "GET", String(put.headers["azure-asyncoperation"]));
    expect(status.body).toEqual({ status: "Failed", error: { code: "NetworkingInternalOperationError", message: "An error occurred.", details: [] } });
  });

  it("an unknown operation id is 404", async () => {
    const res = await rawRequest(emulator, "GET", `/subscriptions/${PROD}/providers/Microsoft.Network/locations/westeurope/operations/00000000-0000-4000-8000-000000000000?${NETWORK}`);
    expect(res).toMatchObject({ status: 404, body: { error: { code: "OperationNotFound" } } });
  });
});

describe("request hygiene", () => {
  it.each([
    ["malformed JSON", "{not json"],
    ["no body at all", undefined],
  ])("answers an NSG PUT with %s with 400 InvalidRequestContent", async (_case, rawBody) => {
    const res = await rawRequest(emulator, "PUT", `${nsgPath("rg-app-prod", "nsg-x")}?${NETWORK}`, rawBody === undefined ? {} : { rawBody });
    expect(res).toMatchObject({ status: 400, body: { error: { code: "InvalidRequestContent" } } });
  });

  it("answers paths it does not model with 404 NotFound", async () => {
    const res = await rawRequest(emulator, "GET", `/subscriptions/${PROD}/providers/Microsoft.Storage/storageAccounts?api-version=2024-01-01`);
    expect(res).toMatchObject({ status: 404, body: { error: { code: "NotFound" } } });
  });

  it("stamps ARM's request-id headers", async () => {
    const res = await rawRequest(emulator, "GET", `/subscriptions?api-version=2022-12-01`);
    expect(res.headers["x-ms-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("control endpoint", () => {
  it.each([
    ["no token", {}],
    ["a wrong bearer token", { authorization: "Bearer not-the-control-token" }],
    ["a wrong x-emulator-token", { "x-emulator-token": "not-the-control-token" }],
    ["an ARM-style token (accepted on ARM paths)", { authorization: "Bearer raw-test-token" }],
  ])("When a control call carries %s, then it is refused with 401 and changes nothing", async (_what, headers) => {
    const config = emulator.control.getConfig();
    for (const [method, path] of [
      ["GET", "/_emulator/counters"],
      ["POST", "/_emulator/faults"],
      ["POST", "/_emulator/reset"],
      ["PUT", "/_emulator/config"],
    ] as const) {
      const res = await rawRequest(emulator, method, path, { token: null, headers, body: method === "GET" ? undefined : { kind: "empty" } });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toMatchObject({ error: { code: "AuthenticationFailed" } });
    }
    expect(emulator.control.estateSummary()).toMatchObject({ virtualMachines: 31 });
    expect(emulator.control.getConfig()).toEqual(config);
  });

  it("When a control call carries the token as x-emulator-token, then it is answered", async () => {
    const res = await rawRequest(emulator, "GET", "/_emulator/estate", { token: null, headers: { "x-emulator-token": emulator.controlToken } });
    expect(res).toMatchObject({ status: 200, body: { virtualMachines: 31 } });
  });

  it("generates a different token at every start", async () => {
    const other = await startEmulator({ dataDir: null });
    try {
      expect(other.controlToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(other.controlToken).not.toBe(emulator.controlToken);
      expect((await rawRequest(other, "GET", "/_emulator/estate", { token: emulator.controlToken })).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it("offers config, faults, counters, estate and reset over HTTP", async () => {
    const config = await rawRequest(emulator, "PUT", "/_emulator/config", { token: emulator.controlToken, body: { pageSize: 5, readLatencyMs: 0 } });
    expect(config).toMatchObject({ status: 200, body: { pageSize: 5, writeLatencyMs: 30, writeRatePerSecond: null } });
    expect((await rawRequest(emulator, "GET", "/_emulator/config", { token: emulator.controlToken })).body).toMatchObject({ pageSize: 5 });

    const fault = await rawRequest(emulator, "POST", "/_emulator/faults", { token: emulator.controlToken, body: { match: { method: "GET", pathContains: "/subscriptions" }, times: 1, fault: { kind: "status", status: 500, code: "InternalServerError" } } });
    expect(fault.status).toBe(201);
    expect((await rawRequest(emulator, "GET", "/subscriptions?api-version=2022-12-01")).status).toBe(500);
    await rawRequest(emulator, "POST", "/_emulator/faults", { token: emulator.controlToken, body: { match: {}, times: 5, fault: { kind: "status", status: 500, code: "X" } } });
    expect((await rawRequest(emulator, "DELETE", "/_emulator/faults", { token: emulator.controlToken })).status).toBe(204);
    expect((await rawRequest(emulator, "GET", "/subscriptions?api-version=2022-12-01")).status).toBe(200);

    expect((await rawRequest(emulator, "GET", "/_emulator/counters", { token: emulator.controlToken })).body).toMatchObject({ requests: 2, reads: 2, writes: 0 });
    expect((await rawRequest(emulator, "POST", "/_emulator/counters/reset", { token: emulator.controlToken })).status).toBe(204);
    expect((await rawRequest(emulator, "GET", "/_emulator/counters", { token: emulator.controlToken })).body).toMatchObject({ requests: 0 });

    expect((await rawRequest(emulator, "GET", "/_emulator/estate", { token: emulator.controlToken })).body).toMatchObject({ virtualMachines: 31, networkSecurityGroups: 20, securityRules: 33 });
    const reset = await rawRequest(emulator, "POST", "/_emulator/reset", { token: emulator.controlToken, body: { kind: "empty" } });
    expect(reset.body).toMatchObject({ subscriptions: 0, virtualMachines: 0 });
  });

  it("rejects invalid control input with 400 and the reasons", async () => {
    const res = await rawRequest(emulator, "PUT", "/_emulator/config", { token: emulator.controlToken, body: { pageSize: 0 } });
    expect(res).toMatchObject({ status: 400, body: { error: { code: "InvalidControlRequest", details: [{ target: "pageSize" }] } } });
    const fault = await rawRequest(emulator, "POST", "/_emulator/faults", { token: emulator.controlToken, body: { match: {}, times: 1, fault: { kind: "explode" } } });
    expect(fault.status).toBe(400);
  });
});
