import type { Grant, VmRow } from "@portcullis/contract";
import { sql } from "kysely";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { createNsgLockManager } from "../lib/locks/nsg-locks.ts";
import { createLogger } from "../lib/logger.ts";
import { createPolicyRepository } from "../policies/repository.ts";
import { counterKey, demo, rulesNow } from "../test-support/policies.ts";
import { createGrantRepository } from "../requests/repository.ts";
import { allowRules, enablePolicy, requestAccess, sshPerRequest } from "../test-support/requests.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { createDriftRepository } from "./drift-repository.ts";
import { createReconciler } from "./reconciler.ts";

describe("the reconciler", () => {
  const clock = createManualClock(new Date("2030-07-01T12:00:00.000Z"));
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { clock });
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator.control.reset();
    emulator.control.setConfig({ writeLatencyMs: 10 });
    await bff.database.kysely.deleteFrom("jit_grant").execute();
    await bff.database.kysely.deleteFrom("jit_policy").execute();
    await bff.database.kysely.deleteFrom("vm_drift").execute();
  });

  const network = () => bff.arm.network(demo.web01.split("/")[2] ?? "");
  const inventoryRow = async (name: string): Promise<VmRow | undefined> => {
    await request(bff.app).post("/api/inventory/refresh").set("authorization", admin);
    const res = await request(bff.app).get("/api/inventory/vms").query({ tab: "configured", pageSize: 500 }).set("authorization", admin);
    return (res.body.items as VmRow[]).find((vm) => vm.name === name);
  };
  // The audit trail is append-only: each test reads the drift events written since it started.
  let eventsBefore = 0;
  const allDriftEvents = async () => (await listAuditEvents(bff.database.kysely)).filter((e) => e.action.startsWith("drift."));
  const driftEvents = async () => (await allDriftEvents()).slice(eventsBefore);
  beforeEach(async () => {
    eventsBefore = (await allDriftEvents()).length;
  });

  it("reports Deny rules of a VM whose policy the database lost, once, and leaves them in place (removing them would open the port)", async () => {
    await enablePolicy(bff, [demo.app01], [sshPerRequest]);
    const denies = (await rulesNow(bff.arm, demo.nsgApp01)).filter((r) => r.name.startsWith("portcullis-jit-deny-"));
    expect(denies.length).toBeGreaterThan(0);
    await bff.database.kysely.deleteFrom("jit_policy").execute();
    const report = await bff.jobs.reconciler.run();
    expect(report.orphanDenyRules).toEqual(denies.map((r) => r.name));
    expect((await rulesNow(bff.arm, demo.nsgApp01)).filter((r) => r.name.startsWith("portcullis-jit-deny-"))).toEqual(denies);
    await bff.jobs.reconciler.run();
    const events = (await driftEvents()).filter((e) => e.details["kind"] === "deny-without-policy");
    expect(events).toHaveLength(1);
    expect(events[0]?.details["rules"]).toEqual(denies.map((r) => ({ nsgId: expect.stringMatching(/nsg-vm-prod-app-01$/i), nsgName: "nsg-vm-prod-app-01", rule: r.name })));
  });

  it("with the grant rows lost, it removes the Allow rules once their description says they expired, and not before", async () => {
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    const grant = (await requestAccess(bff, admin, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 30 })).body as Grant;
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toHaveLength(1);
    // The database lost every grant (a restore from an old backup, a bad migration...).
    await sql`delete from jit_grant`.execute(bff.database.kysely);

    clock.advance(29 * 60_000);
    // An open grant's Allow rules are not drift.
    expect(await bff.jobs.reconciler.run()).toMatchObject({ expiredRulesRemoved: [], driftedVms: [] });
    clock.advance(60_000);
    emulator.control.resetCounters();
    const report = await bff.jobs.reconciler.run();
    expect(report.expiredRulesRemoved).toHaveLength(2);
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);
    expect(await allowRules(bff.arm, demo.nsgSnetWeb)).toEqual([]);
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgWeb01)]: 1, [counterKey(demo.nsgSnetWeb)]: 1 });
    const events = await driftEvents();
    expect(events.map((e) => e.action)).toEqual(["drift.found", "drift.repaired", "drift.found", "drift.repaired"]);
    expect(events[1]?.details).toMatchObject({ kind: "expired-allow-rules", grantIds: [grant.id] });
    expect(report.driftedVms).toEqual([]);
    clock.advance(-30 * 60_000);
  });

  it("removes, before their end, the Allow rules of a grant that ended (a write that landed after its grant was given up)", async () => {
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    const grant = (await requestAccess(bff, admin, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 30 })).body as Grant;
    // As if the opening had been given up as failed while ARM still applied its write.
    await bff.database.kysely.updateTable("jit_grant").set({ status: "failed", status_reason: "OpenFailed" }).where("id", "=", grant.id).execute();
    const report = await bff.jobs.reconciler.run();
    expect(report.expiredRulesRemoved).toHaveLength(2);
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);
    expect(await allowRules(bff.arm, demo.nsgSnetWeb)).toEqual([]);
    const events = await driftEvents();
    expect(events[1]?.details).toMatchObject({ kind: "allow-rules-of-ended-grants", grantIds: [grant.id] });
  });

  it("leaves an expired rule whose grant the expiry job still owns to the expiry job", async () => {
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    await requestAccess(bff, admin, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 30 });
    clock.advance(30 * 60_000);
    expect((await bff.jobs.reconciler.run()).expiredRulesRemoved).toEqual([]);
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toHaveLength(1);
    expect((await bff.jobs.expiry.sweep()).closed).toBe(1);
    clock.advance(-30 * 60_000);
  });

  it("reports a missing Deny rule and the foreign rule that re-opens the port (audit and inventory row); repair puts Portcullis's rules back", async () => {
    await enablePolicy(bff, [demo.app01], [sshPerRequest]);
    expect((await bff.jobs.reconciler.run()).driftedVms).toEqual([]);
    const deny = (await rulesNow(bff.arm, demo.nsgApp01)).find((r) => r.name.startsWith("portcullis-jit-deny-"));
    await network().securityRules.beginDeleteAndWait("rg-app-prod", "nsg-vm-prod-app-01", deny?.name ?? "");

    emulator.control.resetCounters();
    const report = await bff.jobs.reconciler.run();
    expect(report.driftedVms).toEqual([demo.app01.toLowerCase()]);
    expect(emulator.control.counters().writes).toBe(0);
    const row = await inventoryRow("vm-prod-app-01");
    expect(row?.drift?.findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^NSG nsg-vm-prod-app-01: JIT Deny rule ${deny?.name} \\(priority 100, ports 22\\) is missing$`)),
        expect.stringMatching(/^NSG nsg-vm-prod-app-01: rule Allow-SSH-Any \(priority 101\) re-opens port 22\/TCP to 10\.[\d.]+ from the Internet$/),
      ]),
    );
    expect(row?.drift?.detectedAt).toBe("2030-07-01T12:00:00.000Z");
    expect((await driftEvents()).map((e) => [e.action, e.vmId])).toEqual([["drift.found", demo.app01.toLowerCase()]]);
    // The same drift found again is not audited again.
    await bff.jobs.reconciler.run();
    expect(await driftEvents()).toHaveLength(1);

    const db = bff.database.kysely;
    const locks = createNsgLockManager();
    const repairing = createReconciler({ db, audit: bff.audit, policies: createPolicyRepository(db), grants: createGrantRepository(db), drift: createDriftRepository(db), arm: bff.arm, locks, clock, logger: createLogger("silent"), repair: true });
    const repaired = await repairing.run();
    await locks.close();
    expect(repaired).toMatchObject({ repairedVms: [demo.app01.toLowerCase()], driftedVms: [] });
    expect((await rulesNow(bff.arm, demo.nsgApp01)).find((r) => r.name === deny?.name)).toMatchObject({ priority: 100, access: "Deny" });
    expect((await inventoryRow("vm-prod-app-01"))?.drift).toBeNull();
    expect((await driftEvents()).map((e) => e.action)).toEqual(["drift.found", "drift.repaired"]);
  });

  it("reports a foreign rule placed ahead of the Deny rule", async () => {
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    await network().securityRules.beginCreateOrUpdateAndWait("rg-web-prod", "nsg-vm-prod-web-01", "Open-SSH-For-Vendor", {
      priority: 200,
      direction: "Inbound",
      access: "Allow",
      protocol: "Tcp",
      sourceAddressPrefix: "192.0.2.0/24",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "22",
    });
    const report = await bff.jobs.reconciler.run();
    expect(report.driftedVms).toEqual([demo.web01.toLowerCase()]);
    const [stored] = (await createDriftRepository(bff.database.kysely).forVms([demo.web01])).values();
    expect(stored?.findings).toEqual(expect.arrayContaining([expect.stringMatching(/^NSG nsg-vm-prod-web-01: rule Open-SSH-For-Vendor \(priority 200\) re-opens port 22\/TCP to 10\.[\d.]+ from 192\.0\.2\.0$/)]));
  });
});
