import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../emulator.ts";
import { validateRuleSet } from "../network/rule-validation.ts";
import { collectPages, sdkClients } from "../test-support/sdk-clients.ts";
import type { RunningEmulator } from "../types.ts";
import { generateLargeEstate } from "./large.ts";

const digest = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex");

describe("generateLargeEstate", () => {
  it("builds 10,000 VMs and 2,000 NSGs", () => {
    const estate = generateLargeEstate({ vms: 10_000, nsgs: 2_000 });
    expect(estate.virtualMachines).toHaveLength(10_000);
    expect(estate.networkSecurityGroups).toHaveLength(2_000);
    expect(estate.subscriptions).toHaveLength(2);
    expect(estate.networkInterfaces.length).toBeGreaterThan(10_000);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const spec = { vms: 1_500, nsgs: 300, subscriptions: 3 };
    expect(digest(generateLargeEstate({ ...spec, seed: 7 }))).toBe(digest(generateLargeEstate({ ...spec, seed: 7 })));
    expect(digest(generateLargeEstate({ ...spec, seed: 8 }))).not.toBe(digest(generateLargeEstate({ ...spec, seed: 7 })));
  });

  it("gives every NSG a rule set ARM would accept, on subnets, NICs, or neither", () => {
    const estate = generateLargeEstate({ vms: 3_000, nsgs: 600, subscriptions: 2, seed: 3 });
    for (const nsg of estate.networkSecurityGroups) expect(() => validateRuleSet(nsg.id, nsg.rules)).not.toThrow();
    const onSubnets = estate.virtualNetworks.flatMap((v) => v.subnets).filter((s) => s.nsgId).length;
    const nicsWithNsg = estate.networkInterfaces.filter((n) => n.nsgId).length;
    expect(onSubnets).toBeGreaterThan(0);
    expect(nicsWithNsg).toBeGreaterThan(0);
    expect(nicsWithNsg).toBeLessThan(estate.networkInterfaces.length);
  });
});

describe("a large estate served by the emulator", () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ dataDir: null, seed: { kind: "large", vms: 450, nsgs: 90, subscriptions: 3, seed: 5 } });
  });
  afterAll(() => emulator.stop());

  it("lists every VM of every subscription through the SDK's paging", async () => {
    const sdk = sdkClients(emulator, "00000000-0000-4000-8000-000000000000");
    const subscriptions = (await collectPages(sdk.subscriptions.subscriptions.list())).items;
    expect(subscriptions).toHaveLength(3);
    let total = 0;
    for (const s of subscriptions) {
      const { items, pages } = await collectPages(sdkClients(emulator, s.subscriptionId ?? "").compute.virtualMachines.listAll());
      expect(pages).toBe(2);
      total += items.length;
    }
    expect(total).toBe(450);
  });
});
