import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "./emulator.ts";
import { DEMO_TENANT_ID } from "./seed/demo-network.ts";
import { demoExpectations, demoSubscriptions } from "./seed/demo.ts";
import type { RunningEmulator } from "./types.ts";

/**
 * The demo estate read through another client: Debian's Python Azure SDK (`apt-get install python3-azure`), at its
 * own default api-versions (network 2022-07-01, compute 2022-08-01, subscriptions 2021-01-01). Optional: without
 * the package the test is skipped and says why.
 */
const python = "/usr/bin/python3";
const probe = spawnSync(python, ["-c", "import azure.mgmt.network, azure.mgmt.compute, azure.mgmt.resource"], { encoding: "utf8" });
const available = probe.status === 0;
if (!available) {
  console.warn(`Python SDK check skipped: ${python} cannot import azure.mgmt.network/compute/resource (apt-get install -y python3-azure): ${(probe.stderr || probe.error?.message || "").trim().split("\n").pop() ?? ""}`);
}

interface PythonReads {
  subscriptions: Array<{ id: string; tenantId: string }>;
  vms: Array<{ name: string; nics: string[] }>;
  nics: Array<{ name: string; ipConfigurations: Array<{ privateIPAddress: string; prefixLength: number | null; publicIPAddress: string | null }> }>;
  nsgs: Array<{ name: string; etag: string; flushConnection: boolean; rules: number }>;
  vnets: number;
  instanceView: { computerName: string; statuses: string[] } | null;
}

describe.skipIf(!available)("the Python Azure SDK against the emulator", () => {
  let emulator: RunningEmulator;
  let dir: string;
  beforeAll(async () => {
    emulator = await startEmulator({ dataDir: null, pageSize: 7 });
    dir = mkdtempSync(join(tmpdir(), "emulator-python-"));
  });
  afterAll(async () => {
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads the demo estate at the SDK's default api-versions: every VM, NIC (the prefix ip configuration too), NSG and VNet", async () => {
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, emulator.caCertPem);
    const script = join(import.meta.dirname, "test-support", "python-sdk-reads.py");
    // Asynchronously: the emulator answers from this process.
    const { stdout } = await promisify(execFile)(python, [script, emulator.url, ca, demoSubscriptions.prod.id, demoSubscriptions.dev.id], { encoding: "utf8", timeout: 60_000 });
    const reads = JSON.parse(stdout) as PythonReads;
    expect(reads.subscriptions.map((s) => s.tenantId)).toEqual([DEMO_TENANT_ID, DEMO_TENANT_ID]);
    expect(reads.vms).toHaveLength(demoExpectations.virtualMachines);
    expect(reads.nics).toHaveLength(demoExpectations.networkInterfaces);
    expect(reads.nsgs).toHaveLength(demoExpectations.networkSecurityGroups);
    expect(reads.nsgs.reduce((n, nsg) => n + nsg.rules, 0)).toBe(demoExpectations.securityRules);
    expect(reads.nsgs.every((nsg) => nsg.flushConnection === false && /^W\/"/.test(nsg.etag))).toBe(true);
    expect(reads.vnets).toBe(demoExpectations.virtualNetworks);
    const prefixNic = reads.nics.find((nic) => nic.name === "nic-vm-prod-app-05");
    // The 2022-07-01 model has no privateIPAddressPrefixLength; the address keeps its prefix.
    expect(prefixNic?.ipConfigurations).toContainEqual({ privateIPAddress: "10.10.2.240/28", prefixLength: null, publicIPAddress: null });
    expect(prefixNic?.ipConfigurations[0]?.publicIPAddress).toMatch(/\/publicIPAddresses\/pip-vm-prod-app-05$/);
    expect(reads.instanceView?.statuses).toEqual(["ProvisioningState/succeeded", "PowerState/running"]);
  }, 90_000);
});
