import { type NetworkSecurityGroup, isRestError } from "@azure/arm-network";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../emulator.ts";
import { PROD, inboundRule } from "../test-support/estate-paths.ts";
import { type SdkClients, sdkClients } from "../test-support/sdk-clients.ts";
import type { RunningEmulator } from "../types.ts";

let emulator: RunningEmulator;
let sdk: SdkClients;

beforeAll(async () => {
  emulator = await startEmulator({ dataDir: null });
  sdk = sdkClients(emulator, PROD);
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.control.reset({ kind: "demo" });
  emulator.control.setConfig({ writeLatencyMs: 30 });
});

async function rejection(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string }> {
  try {
    await promise;
  } catch (err) {
    if (isRestError(err)) return { statusCode: err.statusCode, code: err.code };
    throw err;
  }
  throw new Error("expected the call to fail");
}

const ifMatch = (etag: string | undefined) => ({ requestOptions: { headers: { "If-Match": etag ?? "" } } });

describe("security rules", () => {
  it("creates a rule through beginCreateOrUpdateAndWait only after writeLatencyMs", async () => {
    emulator.control.setConfig({ writeLatencyMs: 250 });
    const before = await sdk.network.networkSecurityGroups.get("rg-app-prod", "nsg-vm-prod-app-01");
    const started = Date.now();
    const rule = await sdk.network.securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", "portcullis-jit-allow-1", inboundRule(120, "22"));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(rule).toMatchObject({ name: "portcullis-jit-allow-1", priority: 120, destinationPortRange: "22", provisioningState: "Succeeded" });
    const after = await sdk.network.networkSecurityGroups.get("rg-app-prod", "nsg-vm-prod-app-01");
    expect(after.etag).not.toBe(before.etag);
    expect(after.securityRules?.map((r) => r.name)).toContain("portcullis-jit-allow-1");
  });

  it("shows the rule and its NSG as Updating until the operation ends", async () => {
    emulator.control.setConfig({ writeLatencyMs: 600 });
    const poller = sdk.network.securityRules.createOrUpdate("rg-app-prod", "nsg-vm-prod-app-01", "r1", inboundRule(130, "3389"));
    await poller.submitted();
    const during = await sdk.network.securityRules.get("rg-app-prod", "nsg-vm-prod-app-01", "r1");
    const nsgDuring = await sdk.network.networkSecurityGroups.get("rg-app-prod", "nsg-vm-prod-app-01");
    expect(during.provisioningState).toBe("Updating");
    expect(nsgDuring.provisioningState).toBe("Updating");
    await poller;
    const afterwards = await sdk.network.securityRules.get("rg-app-prod", "nsg-vm-prod-app-01", "r1");
    expect(afterwards.provisioningState).toBe("Succeeded");
  });

  it("updates an existing rule in place and changes the etag", async () => {
    const old = await sdk.network.securityRules.get("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any");
    const updated = await sdk.network.securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any", inboundRule(100, "22", "203.0.113.0/24"), ifMatch(old.etag));
    expect(updated.sourceAddressPrefix).toBe("203.0.113.0/24");
    expect(updated.etag).not.toBe(old.etag);
  });

  it("deletes a rule through beginDeleteAndWait only after writeLatencyMs", async () => {
    emulator.control.setConfig({ writeLatencyMs: 250 });
    const started = Date.now();
    await sdk.network.securityRules.beginDeleteAndWait("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any");
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    const err = await rejection(sdk.network.securityRules.get("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any"));
    expect(err).toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("deleting a rule that is already gone succeeds without an operation", async () => {
    await expect(sdk.network.securityRules.beginDeleteAndWait("rg-app-prod", "nsg-vm-prod-app-01", "never-existed")).resolves.toBeUndefined();
  });

  it("rejects a rule write with a stale If-Match with 412 PreconditionFailed", async () => {
    const stale = (await sdk.network.networkSecurityGroups.get("rg-app-prod", "nsg-vm-prod-app-01")).etag;
    await sdk.network.securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", "r1", inboundRule(130, "443"));
    const put = await rejection(sdk.network.securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any", inboundRule(100, "22"), ifMatch(stale)));
    const del = await rejection(sdk.network.securityRules.beginDeleteAndWait("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any", ifMatch(stale)));
    expect(put).toEqual({ statusCode: 412, code: "PreconditionFailed" });
    expect(del).toEqual({ statusCode: 412, code: "PreconditionFailed" });
  });

  it("If-None-Match: * creates a new rule but refuses to overwrite an existing one", async () => {
    const ifNoneMatch = { requestOptions: { headers: { "If-None-Match": "*" } } };
    await expect(sdk.network.securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", "fresh", inboundRule(140, "22"), ifNoneMatch)).resolves.toMatchObject({ name: "fresh" });
    const err = await rejection(sdk.network.securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any", inboundRule(100, "22"), ifNoneMatch));
    expect(err).toEqual({ statusCode: 412, code: "PreconditionFailed" });
  });

  it("answers ParentResourceNotFound for a rule in a missing NSG", async () => {
    const err = await rejection(sdk.network.securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-missing", "r1", inboundRule(100, "22")));
    expect(err).toEqual({ statusCode: 404, code: "ParentResourceNotFound" });
  });
});

describe("whole-NSG writes", () => {
  it("replaces the rule set with one PUT guarded by If-Match", async () => {
    const current = await sdk.network.networkSecurityGroups.get("rg-app-prod", "nsg-vm-prod-app-01");
    const next: NetworkSecurityGroup = {
      location: current.location,
      securityRules: [
        { name: "portcullis-jit-deny-22", ...inboundRule(100, "22", "*"), access: "Deny", destinationAddressPrefix: "10.10.2.4" },
        ...(current.securityRules ?? []).map((r) => (r.name === "Allow-SSH-Any" ? { ...r, priority: 110 } : r.name === "Allow-App-VNet" ? { ...r, priority: 120 } : r)),
      ],
    };
    const result = await sdk.network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", next, ifMatch(current.etag));
    expect(result.provisioningState).toBe("Succeeded");
    expect(result.etag).not.toBe(current.etag);
    expect(result.securityRules?.map((r) => [r.name, r.priority, r.access])).toEqual([
      ["portcullis-jit-deny-22", 100, "Deny"],
      ["Allow-SSH-Any", 110, "Allow"],
      ["Allow-App-VNet", 120, "Allow"],
    ]);
    expect(result.networkInterfaces?.length).toBe(1);

    const stale = await rejection(sdk.network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", next, ifMatch(current.etag)));
    expect(stale).toEqual({ statusCode: 412, code: "PreconditionFailed" });
  });

  it("a PUT without securityRules removes every custom rule, as in ARM", async () => {
    const result = await sdk.network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", { location: "westeurope" });
    expect(result.securityRules).toEqual([]);
    const rules = await sdk.network.securityRules.get("rg-app-prod", "nsg-vm-prod-app-01", "Allow-SSH-Any").catch((e: unknown) => e);
    expect(isRestError(rules) && rules.statusCode).toBe(404);
  });

  it("creates and deletes an NSG that nothing uses", async () => {
    const created = await sdk.network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-new", { location: "West Europe", tags: { team: "ops" }, securityRules: [{ name: "a", ...inboundRule(200, "443") }] });
    expect(created).toMatchObject({ name: "nsg-new", location: "westeurope", tags: { team: "ops" }, provisioningState: "Succeeded" });
    await sdk.network.networkSecurityGroups.beginDeleteAndWait("rg-app-prod", "nsg-new");
    expect(await rejection(sdk.network.networkSecurityGroups.get("rg-app-prod", "nsg-new"))).toEqual({ statusCode: 404, code: "ResourceNotFound" });
  });

  it("refuses to delete an NSG that a NIC or subnet uses", async () => {
    const err = await rejection(sdk.network.networkSecurityGroups.beginDeleteAndWait("rg-net-prod", "nsg-snet-web"));
    expect(err).toEqual({ statusCode: 400, code: "InUseNetworkSecurityGroupCannotBeDeleted" });
  });

  it("refuses to move an existing NSG to another location", async () => {
    const err = await rejection(sdk.network.networkSecurityGroups.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", { location: "eastus" }));
    expect(err).toEqual({ statusCode: 409, code: "InvalidResourceLocation" });
  });
});

describe("network interfaces", () => {
  it("moves a NIC to another subnet of its virtual network (a new address there) and detaches its NSG; reads and the NSG's users follow", async () => {
    const nic = await sdk.network.networkInterfaces.get("rg-web-prod", "nic-vm-prod-web-02");
    const webSubnet = nic.ipConfigurations?.[0]?.subnet?.id ?? "";
    const dataSubnet = webSubnet.replace(/snet-web$/, "snet-data");
    const updated = await sdk.network.networkInterfaces.beginCreateOrUpdateAndWait("rg-web-prod", "nic-vm-prod-web-02", {
      ...nic,
      networkSecurityGroup: undefined,
      ipConfigurations: (nic.ipConfigurations ?? []).map((config) => ({ ...config, subnet: { id: dataSubnet }, privateIPAddress: undefined })),
    });
    expect(updated.networkSecurityGroup).toBeUndefined();
    expect(updated.ipConfigurations?.[0]?.subnet?.id).toBe(dataSubnet);
    expect(updated.ipConfigurations?.[0]?.privateIPAddress).toMatch(/^10\.10\.3\.\d+$/);
    expect(updated.etag).not.toBe(nic.etag);
    const read = await sdk.network.networkInterfaces.get("rg-web-prod", "nic-vm-prod-web-02");
    expect(read.ipConfigurations?.[0]?.subnet?.id).toBe(dataSubnet);
    const formerNsg = await sdk.network.networkSecurityGroups.get("rg-web-prod", "nsg-vm-prod-web-02");
    expect((formerNsg.networkInterfaces ?? []).map((n) => n.id?.toLowerCase())).not.toContain(nic.id?.toLowerCase());
  });

  it("refuses a subnet or NSG that does not exist (400 InvalidResourceReference), a subnet of another virtual network (400), and a NIC it does not hold (404)", async () => {
    const nic = await sdk.network.networkInterfaces.get("rg-web-prod", "nic-vm-prod-web-02");
    const subnet = nic.ipConfigurations?.[0]?.subnet?.id ?? "";
    const withSubnet = (id: string) => ({ ...nic, ipConfigurations: (nic.ipConfigurations ?? []).map((config) => ({ ...config, subnet: { id } })) });
    expect(await rejection(sdk.network.networkInterfaces.beginCreateOrUpdateAndWait("rg-web-prod", "nic-vm-prod-web-02", withSubnet(subnet.replace(/snet-web$/, "snet-nowhere"))))).toEqual({ statusCode: 400, code: "InvalidResourceReference" });
    const nowhereNsg = { ...nic, networkSecurityGroup: { id: (nic.networkSecurityGroup?.id ?? "").replace(/nsg-vm-prod-web-02$/, "nsg-nowhere") } };
    expect(await rejection(sdk.network.networkInterfaces.beginCreateOrUpdateAndWait("rg-web-prod", "nic-vm-prod-web-02", nowhereNsg))).toEqual({ statusCode: 400, code: "InvalidResourceReference" });
    const otherVnetSubnet = (await sdk.network.networkInterfaces.get("rg-dr-prod", "nic-vm-prod-dr-01")).ipConfigurations?.[0]?.subnet?.id ?? "";
    expect(otherVnetSubnet).toMatch(/snet-dr$/);
    expect(await rejection(sdk.network.networkInterfaces.beginCreateOrUpdateAndWait("rg-web-prod", "nic-vm-prod-web-02", withSubnet(otherVnetSubnet)))).toEqual({ statusCode: 400, code: "NicCannotBeMovedToAnotherVirtualNetwork" });
    expect((await rejection(sdk.network.networkInterfaces.beginCreateOrUpdateAndWait("rg-web-prod", "nic-nowhere", nic))).statusCode).toBe(404);
    // Nothing changed.
    expect((await sdk.network.networkInterfaces.get("rg-web-prod", "nic-vm-prod-web-02")).ipConfigurations?.[0]?.subnet?.id).toBe(subnet);
  });
});
