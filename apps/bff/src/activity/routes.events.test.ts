import { AuditVerifyResponseSchema, type ActivityEvent, type ActivityPageResponse } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { demo, rdp, ssh } from "../test-support/policies.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";

/** Every policy and role-assignment change, success or failure, is in the activity log with who, what and where. */
describe("the events state changes write", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;
  let auditor: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    auditor = `Bearer ${await signInAs(bff, "auditor@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  /** The events of one API call, read back through the activity log by its x-request-id. */
  const eventsOf = async (res: { headers: Record<string, string> }): Promise<ActivityEvent[]> => {
    const correlationId = res.headers["x-request-id"] ?? "none";
    const page = await request(bff.app).get("/api/activity").query({ correlationId }).set("authorization", auditor);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    return (page.body as ActivityPageResponse).items;
  };
  const adminActor = { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e01", name: "Alex Admin", ip: expect.any(String) };

  it("records enable, edit and remove of a policy, with the VM's name, ports and sources", async () => {
    const enabled = await request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [demo.web02], ports: [ssh] });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    expect(await eventsOf(enabled)).toMatchObject([
      { action: "policy.enabled", outcome: "success", actor: adminActor, vmId: demo.web02.toLowerCase(), vmName: "vm-prod-web-02", ports: ["22/TCP"], sources: ["Per request"], error: null },
    ]);
    const edited = await request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [demo.web02], ports: [ssh, rdp] });
    expect(edited.status).toBe(200);
    const [edit] = await eventsOf(edited);
    expect(edit).toMatchObject({ action: "policy.edited", outcome: "success", ports: ["22/TCP", "3389/TCP"], sources: ["Per request", "203.0.113.0/24"] });
    expect(edit?.details).toMatchObject({ previousVersion: 1, previousPorts: [ssh] });
    expect(edit?.hash).toMatch(/^[0-9a-f]{64}$/);
    const removed = await request(bff.app).post("/api/policies/remove").set("authorization", admin).send({ vmIds: [demo.web02] });
    expect(removed.status).toBe(200);
    expect(await eventsOf(removed)).toMatchObject([{ action: "policy.removed", outcome: "success", vmName: "vm-prod-web-02" }]);
  });

  it("records an import, per VM", async () => {
    const file = { properties: { virtualMachines: [{ id: demo.web03, ports: [{ number: 3389, protocol: "*", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }] }] } };
    const imported = await request(bff.app).post("/api/policies/import").query({ dryRun: "false" }).set("authorization", admin).send(file);
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(await eventsOf(imported)).toMatchObject([{ action: "policy.imported", outcome: "success", vmName: "vm-prod-web-03", ports: ["3389/Any"] }]);
  });

  it("records failures with the error: enabling JIT on a VM without an NSG, removing a policy that does not exist", async () => {
    const failed = await request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [demo.app04NoNsg], ports: [ssh] });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    const [event] = await eventsOf(failed);
    expect(event).toMatchObject({ action: "policy.enabled", outcome: "failure", vmName: "vm-prod-app-04", error: failed.body.error.message });
    const missing = await request(bff.app).post("/api/policies/remove").set("authorization", admin).send({ vmIds: [demo.web04] });
    expect(missing.status).toBe(404);
    expect(await eventsOf(missing)).toMatchObject([{ action: "policy.removed", outcome: "failure", error: missing.body.error.message }]);
  });

  it("records role assignments added and removed, and the refused duplicate and unknown id", async () => {
    const body = { principalType: "user", principalId: "0E0E0E0E-0000-4000-8000-0000000000A1", principalName: "Pat Auditor", role: "Auditor", scope: "/" };
    const added = await request(bff.app).post("/api/rbac/assignments").set("authorization", admin).send(body);
    expect(added.status).toBe(201);
    const details = { principalType: "user", principalId: body.principalId.toLowerCase(), principalName: "Pat Auditor", role: "Auditor", scope: "/" };
    expect(await eventsOf(added)).toMatchObject([
      { action: "rbac.assignment-added", outcome: "success", actor: adminActor, vmId: null, details: { ...details, assignmentId: added.body.id } },
    ]);

    const duplicate = await request(bff.app).post("/api/rbac/assignments").set("authorization", admin).send(body);
    expect(duplicate.status).toBe(409);
    expect(await eventsOf(duplicate)).toMatchObject([{ action: "rbac.assignment-added", outcome: "failure", error: duplicate.body.error.message, details }]);

    const removed = await request(bff.app).delete(`/api/rbac/assignments/${added.body.id}`).set("authorization", admin);
    expect(removed.status).toBe(204);
    expect(await eventsOf(removed)).toMatchObject([{ action: "rbac.assignment-removed", outcome: "success", details: { ...details, assignmentId: added.body.id } }]);
    const again = await request(bff.app).delete(`/api/rbac/assignments/${added.body.id}`).set("authorization", admin);
    expect(again.status).toBe(404);
    expect(await eventsOf(again)).toMatchObject([{ action: "rbac.assignment-removed", outcome: "failure", error: `No role assignment ${added.body.id}` }]);
  });

  it("records nothing for a body that fails validation, and only access.denied for a caller without the permission", async () => {
    const count = async () => Number((await bff.database.kysely.selectFrom("audit_event").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
    const before = await count();
    const invalid = await request(bff.app).post("/api/rbac/assignments").set("authorization", admin).send({ principalType: "user" });
    expect(invalid.status).toBe(400);
    expect(await count()).toBe(before);
    const forbidden = await request(bff.app).post("/api/rbac/assignments").set("authorization", auditor).send({ principalType: "user", principalId: "x", principalName: "X", role: "Admin", scope: "/" });
    expect(forbidden.status).toBe(403);
    expect(await count()).toBe(before + 1);
    const events = await listAuditEvents(bff.database.kysely, { correlationId: forbidden.headers["x-request-id"] ?? "none" });
    expect(events.map((e) => [e.action, e.outcome, e.details["route"]])).toEqual([["access.denied", "failure", "POST /api/rbac/assignments"]]);
  });

  it("keeps the whole chain verifiable, which an Admin can check", async () => {
    const res = await request(bff.app).get("/api/audit/verify").set("authorization", admin);
    expect(res.status).toBe(200);
    expect(AuditVerifyResponseSchema.parse(res.body)).toMatchObject({ ok: true, firstBroken: null, missing: null, checkpoint: null });
    expect(res.body.checked).toBeGreaterThanOrEqual(9);
    expect((await request(bff.app).get("/api/audit/verify").set("authorization", auditor)).status).toBe(403);
  });
});
