import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "./emulator.ts";
import { emulatorDir, estateFile } from "./persistence.ts";
import { rawRequest } from "./test-support/raw-http.ts";
import { PROD, inboundRule } from "./test-support/estate-paths.ts";
import { sdkClients } from "./test-support/sdk-clients.ts";

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "portcullis-emulator-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe("the data directory's modes and the control token file", () => {
  it("When the emulator starts on an existing, world-readable directory, then its files are private (0700 / 0600)", async () => {
    await mkdir(emulatorDir(dataDir), { recursive: true, mode: 0o755 });
    await chmod(emulatorDir(dataDir), 0o755);
    const emulator = await startEmulator({ dataDir, seed: { kind: "empty" } });
    try {
      expect(await modeOf(emulatorDir(dataDir))).toBe(0o700);
      expect(await modeOf(join(emulatorDir(dataDir), "tls"))).toBe(0o700);
      expect(await modeOf(join(emulatorDir(dataDir), "tls", "key.pem"))).toBe(0o600);
      expect(await modeOf(estateFile(dataDir))).toBe(0o600);
      expect(emulator.controlTokenFile).toBe(join(emulatorDir(dataDir), "control-token"));
      expect(await modeOf(emulator.controlTokenFile ?? "")).toBe(0o600);
    } finally {
      await emulator.stop();
    }
  });

  it("When the emulator restarts, then the file holds the new start's token, which opens the control endpoint", async () => {
    const first = await startEmulator({ dataDir, seed: { kind: "empty" } });
    await first.stop();
    const second = await startEmulator({ dataDir, seed: { kind: "empty" } });
    try {
      const fromFile = (await readFile(second.controlTokenFile ?? "", "utf8")).trim();
      expect(fromFile).toBe(second.controlToken);
      expect(fromFile).not.toBe(first.controlToken);
      expect((await rawRequest(second, "GET", "/_emulator/counters", { token: fromFile })).status).toBe(200);
      expect((await rawRequest(second, "GET", "/_emulator/counters", { token: first.controlToken })).status).toBe(401);
    } finally {
      await second.stop();
    }
  });
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
      expect(second.control.estateSummary().securityRules).toBe(34);
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
