import { parseJitRuleName, planEnable, vmHash } from "@portcullis/core";
import type { PolicyPlanResponse, PutPoliciesResponse } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { readNsg } from "../lib/azure/nsg-read.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { toJitPolicy } from "./policy-mapping.ts";
import { readVmPositions } from "../lib/azure/vm-positions.ts";
import { counterKey, demo, rulesNow, sortRules, ssh, rdp } from "../test-support/policies.ts";

describe("policy writes through @azure/arm-network against the emulator", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator.control.reset();
    await bff.database.kysely.deleteFrom("jit_policy").execute();
  });

  const put = (body: object) => request(bff.app).put("/api/policies").set("authorization", admin).send(body);
  const remove = (vmIds: string[]) => request(bff.app).post("/api/policies/remove").set("authorization", admin).send({ vmIds });
  /** The audit events a request wrote (tied together by its x-request-id). */
  const eventsOf = (res: { headers: Record<string, string> }) => listAuditEvents(bff.database.kysely, { correlationId: res.headers["x-request-id"] ?? "none" });

  const inventoryRow = async (name: string) => {
    const res = await request(bff.app).get("/api/inventory/vms").query({ tab: "configured", pageSize: 500 }).set("authorization", admin);
    const other = await request(bff.app).get("/api/inventory/vms").query({ tab: "recommended", pageSize: 500 }).set("authorization", admin);
    return [...res.body.items, ...other.body.items].find((vm: { name: string }) => vm.name === name) as { tab: string; exposure: Array<{ port: number }> };
  };

  it("after enable the NSG holds exactly the plan (one write), and after remove exactly what it held before, priorities included", async () => {
    await request(bff.app).post("/api/inventory/refresh").set("authorization", admin);
    expect(await inventoryRow("vm-prod-app-01")).toMatchObject({ tab: "recommended", exposure: [expect.objectContaining({ port: 22 })] });
    const before = await rulesNow(bff.arm, demo.nsgApp01);
    const positions = await readVmPositions(bff.arm, [demo.app01], "throw");
    const plan = planEnable({ vms: [{ position: positions.get(demo.app01.toLowerCase())!.position, policy: toJitPolicy([ssh, rdp]) }], nsgs: [(await readNsg(bff.arm, demo.nsgApp01)).nsg] });
    if (!plan.ok) throw new Error(plan.message);
    emulator.control.resetCounters();

    const enabled = await put({ vmIds: [demo.app01], ports: [ssh, rdp] });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    expect(await rulesNow(bff.arm, demo.nsgApp01)).toEqual(sortRules(plan.changes[0]!.rules));
    // Allow-SSH-Any held 100, where the Deny must go: it moved up by one.
    expect((await rulesNow(bff.arm, demo.nsgApp01)).find((r) => r.name === "Allow-SSH-Any")?.priority).toBe(101);
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgApp01)]: 1 });
    const body = enabled.body as PutPoliciesResponse;
    expect(body.policies).toMatchObject([{ vmId: demo.app01, vmName: "vm-prod-app-01", ports: [ssh, rdp], version: 1, createdBy: "Alex Admin" }]);
    expect(body.nsgs[0]).toMatchObject({ nsgName: "nsg-vm-prod-app-01", renumbered: [{ name: "Allow-SSH-Any", from: 100, to: 101 }] });

    // The inventory shows the change at once: Configured, and port 22 no longer open (no ARM pass needed).
    expect(await inventoryRow("vm-prod-app-01")).toMatchObject({ tab: "configured", exposure: [] });
    const stored = await request(bff.app).get("/api/policies/vm").query({ vmId: demo.app01 }).set("authorization", admin);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ vmId: demo.app01, version: 1 });

    emulator.control.resetCounters();
    const removed = await remove([demo.app01]);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body).toMatchObject({ removedVmIds: [demo.app01] });
    expect(await rulesNow(bff.arm, demo.nsgApp01)).toEqual(before);
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgApp01)]: 1 });
    expect((await request(bff.app).get("/api/policies/vm").query({ vmId: demo.app01 }).set("authorization", admin)).status).toBe(404);

    const events = [...(await eventsOf(enabled)), ...(await eventsOf(removed))];
    expect(events.map((e) => [e.action, e.outcome, e.actor.name, e.vmId])).toEqual([
      ["policy.enabled", "success", "Alex Admin", demo.app01.toLowerCase()],
      ["policy.removed", "success", "Alex Admin", demo.app01.toLowerCase()],
    ]);
    expect(events[0]?.details).toMatchObject({ ports: [ssh, rdp], nsgIds: [expect.stringMatching(/nsg-vm-prod-app-01$/)] });
    expect(events[1]?.details).toMatchObject({ previousPorts: [ssh, rdp], previousVersion: 1 });
  });

  it("an edit bumps the version and rewrites only what changed; a stale expectedVersion is a 409 that writes nothing", async () => {
    const enabled = await put({ vmIds: [demo.app01], ports: [ssh] });
    expect(enabled.status).toBe(200);
    const edited = await put({ vmIds: [demo.app01], ports: [ssh, rdp], expectedVersions: { [demo.app01.toLowerCase()]: 1 } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect((edited.body as PutPoliciesResponse).policies[0]?.version).toBe(2);
    emulator.control.resetCounters();
    const stale = await put({ vmIds: [demo.app01], ports: [ssh], expectedVersions: { [demo.app01.toLowerCase()]: 1 } });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/changed since you loaded it/);
    expect(emulator.control.counters().writes).toBe(0);
    const actions = [...(await eventsOf(enabled)), ...(await eventsOf(edited)), ...(await eventsOf(stale))].map((e) => [e.action, e.outcome]);
    expect(actions).toEqual([
      ["policy.enabled", "success"],
      ["policy.edited", "success"],
      ["policy.edited", "failure"],
    ]);
  });

  it("enabling four VMs that share a subnet NSG writes each of the three NSGs once", async () => {
    const vmIds = [demo.web01, demo.web02, demo.web03, demo.web04];
    const preview = await request(bff.app).post("/api/policies/preview").set("authorization", admin).send({ vmIds, ports: [ssh] });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect((preview.body as PolicyPlanResponse).nsgs.map((n) => n.nsgName).sort()).toEqual(["nsg-snet-web", "nsg-vm-prod-web-01", "nsg-vm-prod-web-02"]);
    expect(emulator.control.counters().writes).toBe(0);

    const res = await put({ vmIds, ports: [ssh] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((res.body as PutPoliciesResponse).policies).toHaveLength(4);
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgSnetWeb)]: 1, [counterKey(demo.nsgWeb01)]: 1, [counterKey(demo.nsgWeb02)]: 1 });
    // web-01 and web-02 sit in the subnet too: all four VMs get Deny rules in the subnet NSG.
    const owners = new Set((await rulesNow(bff.arm, demo.nsgSnetWeb)).map((r) => parseJitRuleName(r.name)?.vmHash));
    expect(vmIds.every((id) => owners.has(vmHash(id)))).toBe(true);
  });

  it("when someone else writes the NSG between our read and our write, the 412 is retried on the new state and their rule survives", async () => {
    // Hold our PUT in the emulator long enough to slip an external write in before it is checked.
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-app-01" }, times: 1, fault: { kind: "stall", ms: 1500 } });
    const pending = put({ vmIds: [demo.app01], ports: [ssh] }).then((res) => res);
    await waitFor(() => (emulator.control.counters().writesByNsg[counterKey(demo.nsgApp01)] ?? 0) >= 1);
    await bff.arm
      .network(demo.app01.split("/")[2]!)
      .securityRules.beginCreateOrUpdateAndWait("rg-app-prod", "nsg-vm-prod-app-01", "External-Monitoring", {
        priority: 3000,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "10.0.0.0/8",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRange: "9100",
      });
    const res = await pending;
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const rules = await rulesNow(bff.arm, demo.nsgApp01);
    expect(rules.map((r) => r.name)).toEqual(expect.arrayContaining(["External-Monitoring", "Allow-SSH-Any", expect.stringMatching(/^portcullis-jit-deny-/)]));
    const counters = emulator.control.counters();
    expect(counters.conflicts).toBeGreaterThanOrEqual(1);
    // Ours (412), theirs, ours again.
    expect(counters.writesByNsg[counterKey(demo.nsgApp01)]).toBe(3);
  });

  it.each([
    [409, "AnotherOperationInProgress"],
    [429, "RetryableErrorDueToAnotherOperation"],
  ])("a %i %s with Retry-After is waited out and retried", async (status, code) => {
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-app-03" }, times: 1, fault: { kind: "status", status, code, retryAfterSeconds: 1 } });
    const started = Date.now();
    const res = await put({ vmIds: [demo.app03], ports: [rdp] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emulator.control.counters().writesByNsg[counterKey(demo.nsgApp03)]).toBe(2);
    expect((await rulesNow(bff.arm, demo.nsgApp03)).some((r) => r.name.startsWith("portcullis-jit-deny-"))).toBe(true);
  });

  it("when one NSG's operation fails, the other NSG is put back, no policy is stored, and the error names the NSG and ARM's code", async () => {
    const before = { nic: await rulesNow(bff.arm, demo.nsgWeb02), subnet: await rulesNow(bff.arm, demo.nsgSnetWeb) };
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-snet-web" }, times: 1, fault: { kind: "lro-fail", code: "NetworkingInternalOperationError", message: "An error occurred." } });
    const res = await put({ vmIds: [demo.web02], ports: [ssh] });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/NSG nsg-snet-web failed: NetworkingInternalOperationError: An error occurred\./);
    expect(res.body.error.details).toMatchObject({ nsgName: "nsg-snet-web", arm: { code: "NetworkingInternalOperationError" }, rollback: { restored: [demo.nsgWeb02], failed: [] } });
    expect(await rulesNow(bff.arm, demo.nsgWeb02)).toEqual(before.nic);
    expect(await rulesNow(bff.arm, demo.nsgSnetWeb)).toEqual(before.subnet);
    expect(await bff.database.kysely.selectFrom("jit_policy").selectAll().execute()).toEqual([]);
    expect(await eventsOf(res)).toMatchObject([{ action: "policy.enabled", outcome: "failure", vmId: demo.web02.toLowerCase(), error: expect.stringMatching(/nsg-snet-web/) }]);
  });

  it("a VM another operation is changing gets a 409 at once", async () => {
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-app-01" }, times: 1, fault: { kind: "stall", ms: 1000 } });
    const first = put({ vmIds: [demo.app01], ports: [ssh] }).then((res) => res);
    await waitFor(() => (emulator.control.counters().writesByNsg[counterKey(demo.nsgApp01)] ?? 0) >= 1);
    const second = await put({ vmIds: [demo.app01], ports: [rdp] });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/vm-prod-app-01 is being changed by another operation; try again/);
    expect((await first).status).toBe(200);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
