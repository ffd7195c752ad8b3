import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "./emulator.ts";
import { estateFile } from "./persistence.ts";
import { PROD, inboundRule } from "./test-support/estate-paths.ts";
import { sdkClients } from "./test-support/sdk-clients.ts";

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "portcullis-emulator-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("persistence", () => {
  it("keeps the estate and the certificate across a stop and a start", async () => {
    const first = await startEmulator({ dataDir, writeLatencyMs: 10 });
    await sdkClients(first, PROD).network.securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", "kept", inboundRule(150, "22"));
    await first.stop();
    expect(existsSync(join(dataDir, "emulator", "tls", "cert.pem"))).toBe(true);

    const second = await startEmulator({ dataDir, seed: { kind: "empty" } });
    try {
      expect(second.caCertPem).toBe(first.caCertPem);
      const rule = await sdkClients(second, PROD).network.securityRules.get("rg-app-prod", "nsg-vm-prod-app-01", "kept");
      expect(rule).toMatchObject({ priority: 150, provisioningState: "Succeeded" });
      expect(second.control.estateSummary().securityRules).toBe(32);
    } finally {
      await second.stop();
    }
  });

  it("a write still in flight at stop is completed and saved", async () => {
    const first = await startEmulator({ dataDir, writeLatencyMs: 60_000 });
    const poller = sdkClients(first, PROD).network.securityRules.createOrUpdate("rg-app-prod", "nsg-vm-prod-app-01", "in-flight", inboundRule(150, "22"));
    await poller.submitted();
    await first.stop();
    const saved = JSON.parse(await readFile(estateFile(dataDir), "utf8")) as { networkSecurityGroups: Array<{ name: string; provisioningState: string; rules: Array<{ name: string }> }> };
    const nsg = saved.networkSecurityGroups.find((n) => n.name === "nsg-vm-prod-app-01");
    expect(nsg?.provisioningState).toBe("Succeeded");
    expect(nsg?.rules.map((r) => r.name)).toContain("in-flight");
  });

  it("a reset replaces the saved estate", async () => {
    const first = await startEmulator({ dataDir });
    first.control.reset({ kind: "empty" });
    await first.stop();
    const second = await startEmulator({ dataDir });
    try {
      expect(second.control.estateSummary().virtualMachines).toBe(0);
    } finally {
      await second.stop();
    }
  });

  it("refuses to start on a file that is not an estate rather than overwrite it", async () => {
    const first = await startEmulator({ dataDir });
    await first.stop();
    await writeFile(estateFile(dataDir), "{ broken", "utf8");
    await expect(startEmulator({ dataDir })).rejects.toThrow(/not valid JSON.*delete it/);
  });
});
