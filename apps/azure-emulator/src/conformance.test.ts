import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { COMPUTE_API_VERSIONS, NETWORK_API_VERSIONS, SUBSCRIPTIONS_API_VERSIONS } from "./arm/api-version.ts";
import { startEmulator } from "./emulator.ts";
import { DEMO_TENANT_ID } from "./seed/demo-network.ts";
import { PROD, nsgPath, rulePath } from "./test-support/estate-paths.ts";
import { rawRequest } from "./test-support/raw-http.ts";
import type { RunningEmulator } from "./types.ts";

/**
 * The emulator held to Azure's own examples: every field of each transcribed example shape
 * (test-support/azure-examples) is in the emulator's answer to the same request, at the same place, with the
 * same JSON type.
 */

interface ExampleShape {
  source: string;
  notModelled: string[];
  values: Record<string, unknown>;
  etags?: string[];
  request?: unknown;
  body: unknown;
}

const examplesDir = join(import.meta.dirname, "test-support", "azure-examples");
const example = (name: string): ExampleShape => JSON.parse(readFileSync(join(examplesDir, `${name}.json`), "utf8")) as ExampleShape;

type JsonType = "string" | "number" | "boolean" | "object" | "array" | "null";
const typeOf = (value: unknown): JsonType => (value === null ? "null" : Array.isArray(value) ? "array" : (typeof value as JsonType));

/** Every path of a JSON document ("a.b[].c") with the types found there. */
function shapeOf(value: unknown, path = "", into = new Map<string, Set<JsonType>>()): Map<string, Set<JsonType>> {
  if (path !== "") into.set(path, (into.get(path) ?? new Set()).add(typeOf(value)));
  if (Array.isArray(value)) for (const item of value) shapeOf(item, `${path}[]`, into);
  else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) shapeOf(child, path === "" ? key : `${path}.${key}`, into);
  }
  return into;
}

/** The values found at a path (arrays fan out). */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const part of path.split(".")) {
    const many = part.endsWith("[]");
    const key = many ? part.slice(0, -2) : part;
    current = current.flatMap((v) => (typeof v === "object" && v !== null && key in v ? [(v as Record<string, unknown>)[key]] : []));
    if (many) current = current.flatMap((v) => (Array.isArray(v) ? v : []));
  }
  return current;
}

/** What of the example is missing from (or typed differently in) the answer, as readable lines. */
function differences(shape: ExampleShape, answer: unknown): string[] {
  const ours = shapeOf(answer);
  const problems: string[] = [];
  for (const [path, types] of shapeOf(shape.body)) {
    if (shape.notModelled.includes(path)) continue;
    const found = ours.get(path);
    if (found === undefined) problems.push(`${path}: missing`);
    else for (const type of types) if (!found.has(type)) problems.push(`${path}: ${[...found].join("|")} instead of ${type}`);
  }
  for (const [path, expected] of Object.entries(shape.values)) {
    const found = valuesAt(answer, path);
    if (found.length === 0 || found.some((v) => v !== expected)) problems.push(`${path}: ${JSON.stringify(found)} instead of ${JSON.stringify(expected)}`);
  }
  for (const path of shape.etags ?? []) {
    const found = valuesAt(answer, path);
    if (found.length === 0 || found.some((v) => typeof v !== "string" || !/^W\/"[0-9a-f-]{36}"$/.test(v))) problems.push(`${path}: ${JSON.stringify(found)} is not a weak ETag`);
  }
  return problems;
}

let emulator: RunningEmulator;
const NETWORK = "api-version=2024-07-01";
const nicPath = `/subscriptions/${PROD}/resourceGroups/rg-app-prod/providers/Microsoft.Network/networkInterfaces/nic-vm-prod-app-05`;
const vmPath = (name: string): string => `/subscriptions/${PROD}/resourceGroups/rg-app-prod/providers/Microsoft.Compute/virtualMachines/${name}`;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: null, writeLatencyMs: 30 });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.control.reset({ kind: "demo" });
  emulator.control.setConfig({ writeLatencyMs: 30 });
});

describe("answers shaped as Azure's official examples", () => {
  it("every transcribed example has a test here", () => {
    const tested = ["network-interface-get", "network-security-group-get", "network-security-group-create-with-rule", "network-security-group-update-tags", "virtual-machine-instance-view", "subscription-get"];
    expect(readdirSync(examplesDir).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")).sort()).toEqual([...tested].sort());
  });

  it("NetworkInterfaceGet: a NIC with an ip configuration holding a prefix (172.20.2.16/28 in the example) and a public IP", async () => {
    const res = await rawRequest(emulator, "GET", `${nicPath}?${NETWORK}`);
    expect(res.status).toBe(200);
    expect(differences(example("network-interface-get"), res.body)).toEqual([]);
    const configs = valuesAt(res.body, "properties.ipConfigurations[].properties");
    expect(configs).toContainEqual(expect.objectContaining({ privateIPAddress: "10.10.2.240/28", privateIPAddressPrefixLength: 28, primary: false }));
  });

  it("NetworkSecurityGroupGet: names, nesting, types, Succeeded, weak ETags shared by the NSG and its rules, flushConnection", async () => {
    const res = await rawRequest(emulator, "GET", `${nsgPath("rg-app-prod", "nsg-vm-prod-app-01")}?${NETWORK}`);
    expect(res.status).toBe(200);
    expect(differences(example("network-security-group-get"), res.body)).toEqual([]);
    const body = res.body as { etag: string };
    expect(new Set(valuesAt(res.body, "properties.securityRules[].etag"))).toEqual(new Set([body.etag]));
  });

  it("NetworkSecurityGroupCreateWithRule: the PUT's own answer (201) shows the NSG and its rule Succeeded", async () => {
    const shape = example("network-security-group-create-with-rule");
    const res = await rawRequest(emulator, "PUT", `${nsgPath("rg-app-prod", "testnsg")}?${NETWORK}`, { body: shape.request });
    expect(res.status).toBe(201);
    expect(res.headers["azure-asyncoperation"]).toMatch(/\/operations\/[0-9a-f-]{36}\?api-version=2024-07-01$/);
    expect(differences(shape, res.body)).toEqual([]);
  });

  it("NetworkSecurityGroupUpdateTags: PATCH replaces the tags at once, keeps the rules, answers 200 with a new ETag", async () => {
    const shape = example("network-security-group-update-tags");
    const before = (await rawRequest(emulator, "GET", `${nsgPath("rg-app-prod", "nsg-vm-prod-app-01")}?${NETWORK}`)).body as { etag: string; properties: { securityRules: unknown[] } };
    const res = await rawRequest(emulator, "PATCH", `${nsgPath("rg-app-prod", "nsg-vm-prod-app-01")}?${NETWORK}`, { body: shape.request });
    expect(res.status).toBe(200);
    expect(differences(shape, res.body)).toEqual([]);
    const after = (await rawRequest(emulator, "GET", `${nsgPath("rg-app-prod", "nsg-vm-prod-app-01")}?${NETWORK}`)).body as { etag: string; tags: unknown; properties: { securityRules: unknown[] } };
    expect(after.tags).toEqual({ tag1: "value1", tag2: "value2" });
    expect(after.etag).not.toBe(before.etag);
    expect(after.properties.securityRules).toHaveLength(before.properties.securityRules.length);
    const stale = await rawRequest(emulator, "PATCH", `${nsgPath("rg-app-prod", "nsg-vm-prod-app-01")}?${NETWORK}`, { body: shape.request, headers: { "If-Match": before.etag } });
    expect(stale).toMatchObject({ status: 412, body: { error: { code: "PreconditionFailed" } } });
  });

  it("VirtualMachine_Get_InstanceView: GET .../instanceView, and the same object under properties.instanceView with $expand=instanceView", async () => {
    const view = await rawRequest(emulator, "GET", `${vmPath("vm-prod-app-05")}/instanceView?api-version=2024-07-01`);
    expect(view.status).toBe(200);
    expect(differences(example("virtual-machine-instance-view"), view.body)).toEqual([]);
    expect(valuesAt(view.body, "statuses[].code")).toEqual(["ProvisioningState/succeeded", "PowerState/running"]);
    const expanded = await rawRequest(emulator, "GET", `${vmPath("vm-prod-app-05")}?api-version=2026-04-01&$expand=instanceView`);
    expect((expanded.body as { properties: { instanceView: unknown } }).properties.instanceView).toEqual(view.body);
    const plain = await rawRequest(emulator, "GET", `${vmPath("vm-prod-app-05")}?api-version=2026-04-01`);
    expect((plain.body as { properties: Record<string, unknown> }).properties).not.toHaveProperty("instanceView");
    const wrong = await rawRequest(emulator, "GET", `${vmPath("vm-prod-app-05")}?api-version=2026-04-01&$expand=everything`);
    expect(wrong).toMatchObject({ status: 400, body: { error: { code: "InvalidParameter" } } });
  });

  it("GetSubscription: the subscription's tenantId is the local issuer's tenant, the tid of the tokens that read it", async () => {
    const res = await rawRequest(emulator, "GET", `/subscriptions/${PROD}?api-version=2022-12-01`);
    expect(differences(example("subscription-get"), res.body)).toEqual([]);
    expect(res.body).toMatchObject({ tenantId: DEMO_TENANT_ID });
    expect(DEMO_TENANT_ID).toBe("7f3c9a52-4b1d-4e8f-9a6c-2d5e8b1f0a77");
  });
});

describe("api-versions", () => {
  it.each([
    ["the Python SDK's network default", `${nsgPath("rg-app-prod", "nsg-vm-prod-app-01")}?api-version=2022-07-01`],
    ["the Python SDK's compute default", `${vmPath("vm-prod-app-01")}?api-version=2022-08-01`],
    ["az's subscription list", `/subscriptions?api-version=2019-11-01`],
    ["the examples' network version", `${nicPath}?api-version=2024-07-01`],
  ])("serves %s", async (_what, path) => {
    expect((await rawRequest(emulator, "GET", path)).status).toBe(200);
  });

  it.each([
    ["networkSecurityGroups", `${nsgPath("rg-app-prod", "nsg-vm-prod-app-01")}?api-version=2099-01-01`, "NoRegisteredProviderFound", NETWORK_API_VERSIONS.join(", ")],
    ["virtualMachines", `${vmPath("vm-prod-app-01")}?api-version=2099-01-01`, "NoRegisteredProviderFound", COMPUTE_API_VERSIONS.join(", ")],
    ["subscriptions", `/subscriptions?api-version=2099-01-01`, "InvalidApiVersionParameter", SUBSCRIPTIONS_API_VERSIONS.join(",")],
  ])("refuses an unknown api-version for %s with Azure's error listing the supported ones, and writes nothing", async (_type, path, code, list) => {
    const res = await rawRequest(emulator, "GET", path);
    expect(res).toMatchObject({ status: 400, body: { error: { code } } });
    expect((res.body as { error: { message: string } }).error.message).toContain(list);
    const write = await rawRequest(emulator, "PUT", `${rulePath("rg-app-prod", "nsg-vm-prod-app-01", "x")}?api-version=2099-01-01`, { body: { properties: {} } });
    expect(write).toMatchObject({ status: 400, body: { error: { code: "NoRegisteredProviderFound" } } });
    expect((await rawRequest(emulator, "GET", `${rulePath("rg-app-prod", "nsg-vm-prod-app-01", "x")}?${NETWORK}`)).status).toBe(404);
  });
});

describe("rules mixing IPv4 and IPv6", () => {
  const rule = (source: string | string[], destination: string) => ({
    properties: {
      protocol: "Tcp",
      sourcePortRange: "*",
      destinationPortRange: "22",
      ...(Array.isArray(source) ? { sourceAddressPrefixes: source } : { sourceAddressPrefix: source }),
      destinationAddressPrefix: destination,
      access: "Allow",
      priority: 150,
      direction: "Inbound",
    },
  });

  it.each([
    ["sources of both families", ["203.0.113.10", "2001:db8::1"], "10.10.2.4"],
    ["an IPv4 source to an IPv6 destination", "203.0.113.10", "fd00:10:10:1::4"],
  ])("refuses %s with 400 ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies and writes nothing", async (_what, source, destination) => {
    const path = rulePath("rg-app-prod", "nsg-vm-prod-app-01", "mixed");
    const res = await rawRequest(emulator, "PUT", `${path}?${NETWORK}`, { body: rule(source, destination) });
    expect(res).toMatchObject({ status: 400, body: { error: { code: "ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies" } } });
    expect((res.body as { error: { message: string } }).error.message).toMatch(/securityRules\/mixed contains IP addresses or prefixes that belong to different address families/);
    expect((await rawRequest(emulator, "GET", `${path}?${NETWORK}`)).status).toBe(404);
  });

  it("accepts one family with service tags and *", async () => {
    const res = await rawRequest(emulator, "PUT", `${rulePath("rg-app-prod", "nsg-vm-prod-app-01", "v6")}?${NETWORK}`, { body: rule("Internet", "fd00:10:10:1::4") });
    expect(res.status).toBe(201);
  });
});

describe("flushConnection", () => {
  it("is stored from a whole-NSG PUT, read back, and reset to false by a PUT without it", async () => {
    const path = `${nsgPath("rg-app-prod", "nsg-vm-prod-app-01")}?${NETWORK}`;
    const current = (await rawRequest(emulator, "GET", path)).body as { properties: { flushConnection: boolean; securityRules: unknown[] } };
    expect(current.properties.flushConnection).toBe(false);
    const put = await rawRequest(emulator, "PUT", path, { body: { location: "westeurope", properties: { flushConnection: true, securityRules: current.properties.securityRules } } });
    expect(put).toMatchObject({ status: 200, body: { properties: { flushConnection: true } } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(((await rawRequest(emulator, "GET", path)).body as { properties: { flushConnection: boolean } }).properties.flushConnection).toBe(true);
    await rawRequest(emulator, "PUT", path, { body: { location: "westeurope", properties: { securityRules: current.properties.securityRules } } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(((await rawRequest(emulator, "GET", path)).body as { properties: { flushConnection: boolean } }).properties.flushConnection).toBe(false);
  });

  it("refuses a value that is not a boolean", async () => {
    const res = await rawRequest(emulator, "PUT", `${nsgPath("rg-app-prod", "nsg-vm-prod-app-01")}?${NETWORK}`, { body: { location: "westeurope", properties: { flushConnection: "yes" } } });
    expect(res).toMatchObject({ status: 400, body: { error: { code: "InvalidRequestFormat" } } });
  });
});
