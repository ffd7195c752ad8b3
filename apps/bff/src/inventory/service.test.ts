import { ListVmsQuerySchema } from "@portcullis/contract";
import { classifyVms } from "@portcullis/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArmClients, readEstate, type ArmClients } from "../lib/azure/index.ts";
import { createLogger } from "../lib/logger.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import type { VmAccess } from "./inventory-view.ts";
import { createPolicyIdsRepository } from "./policy-ids-repository.ts";
import { createInventoryService, type InventoryService } from "./service.ts";

const ttlMs = 60_000;
const query = ListVmsQuerySchema.parse({ tab: "recommended" });
const everything: VmAccess = { readsAll: true, canRead: () => true, canReadSubscription: () => true, permissionsOn: () => [] };

describe("the inventory cache", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let arm: ArmClients;
  let clock: number;
  let inventory: InventoryService;

  const reads = () => emulator.control.counters().reads;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    // No retries: the failure test should fail at once rather than after the back-off.
    arm = createArmClients(bff.config, { credential: bff.armCredential, maxRetries: 0 });
    clock = Date.now();
    inventory = createInventoryService({
      readEstate: () => readEstate(arm, undefined),
      policyIds: createPolicyIdsRepository(bff.database.kysely),
      classify: classifyVms,
      ttlMs,
      logger: createLogger("silent"),
      now: () => clock,
    });
  });
  afterAll(async () => {
    arm?.close();
    await bff?.close();
    await emulator?.stop();
  });

  it("reads ARM for the first request only while the snapshot is fresh", async () => {
    emulator.control.resetCounters();
    const first = await inventory.list(query, everything);
    expect(reads()).toBeGreaterThan(0);
    emulator.control.resetCounters();
    clock += ttlMs - 1;
    const second = await inventory.list(query, everything);
    expect(reads()).toBe(0);
    expect(second.refreshedAt).toBe(first.refreshedAt);
  });

  it("serves a stale snapshot at once and replaces it in the background", async () => {
    const before = await inventory.list(query, everything);
    emulator.control.resetCounters();
    clock += ttlMs;
    const stale = await inventory.list(query, everything);
    expect(stale.refreshedAt).toBe(before.refreshedAt);
    await settle();
    expect(reads()).toBeGreaterThan(0);
    const fresh = await inventory.list(query, everything);
    expect(Date.parse(fresh.refreshedAt)).toBeGreaterThan(Date.parse(before.refreshedAt));
  });

  it("waits for ARM when the snapshot is far too old, and fails when ARM fails", async () => {
    clock += ttlMs * 3;
    emulator.control.addFault({ match: { method: "GET" }, times: 100, fault: { kind: "status", status: 500, code: "InternalServerError", message: "boom" } });
    try {
      await expect(inventory.list(query, everything)).rejects.toMatchObject({
        status: 503,
        message: expect.stringMatching(new RegExp(`^Azure Resource Manager at ${emulator.url} failed \\(HTTP 500 InternalServerError: boom\\)$`)),
      });
    } finally {
      emulator.control.clearFaults();
    }
  });
});
