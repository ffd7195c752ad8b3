import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { createNsgLockManager } from "../lib/locks/nsg-locks.ts";
import { createLogger } from "../lib/logger.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { createPolicyRepository, type PolicyRepository } from "./repository.ts";
import { createPolicyService } from "./service.ts";
import { counterKey, demo, rulesNow, ssh } from "../test-support/policies.ts";

describe("the policy service when storing fails", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  it("after the NSG writes, a failed database write puts every NSG back and records the failure", async () => {
    const real = createPolicyRepository(bff.database.kysely);
    const failing: PolicyRepository = { ...real, save: async () => Promise.reject(new Error("disk full")) };
    const locks = createNsgLockManager();
    const service = createPolicyService({ db: bff.database.kysely, audit: bff.audit, repository: failing, arm: bff.arm, locks, inventory: { policiesChanged: async () => undefined }, logger: createLogger("silent") });
    const before = { nic: await rulesNow(bff.arm, demo.nsgWeb02), subnet: await rulesNow(bff.arm, demo.nsgSnetWeb) };
    emulator.control.resetCounters();

    const context = { actor: { oid: "oid-1", name: "Tester", ip: "127.0.0.1" }, correlationId: "storage-fails" };
    await expect(service.put([{ vmId: demo.web02, ports: [ssh] }], { kind: "put", context })).rejects.toMatchObject({ status: 503, message: expect.stringMatching(/database failed \(disk full\)\. The NSGs already written \(2\) were put back as they were\./) });

    expect(await rulesNow(bff.arm, demo.nsgWeb02)).toEqual(before.nic);
    expect(await rulesNow(bff.arm, demo.nsgSnetWeb)).toEqual(before.subnet);
    // Written once, put back once.
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgWeb02)]: 2, [counterKey(demo.nsgSnetWeb)]: 2 });
    expect(await real.get(demo.web02)).toBeNull();
    expect(await listAuditEvents(bff.database.kysely, { correlationId: "storage-fails" })).toMatchObject([{ action: "policy.enabled", outcome: "failure", error: expect.stringMatching(/disk full/) }]);
    await locks.close();
  });
});
