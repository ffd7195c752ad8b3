import type { AccessRequest, Grant, RoleAssignment } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { testEngines } from "../test-support/db-engines.ts";
import { demo, demoNsgId, demoVmId, dev as devSubscription } from "../test-support/policies.ts";
import { allowRules, enablePolicy, requestAccess, sshPerRequest } from "../test-support/requests.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";

const devApi03 = demoVmId("rg-dev-apps", "vm-dev-api-03", devSubscription);
const nsgDevApi03 = demoNsgId("rg-dev-apps", "nsg-vm-dev-api-03", devSubscription);

describe.each(testEngines)("authorization re-checked at every step that opens or lengthens access ($name)", (engine) => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const auth: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { engine });
    for (const user of ["admin", "dev", "approver"]) auth[user] = `Bearer ${await signInAs(bff, `${user}@contoso.test`)}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  /** dev's two demo assignments (the Contoso-Dev subscription, rg-web-prod), put back before each test. */
  let devAssignments: RoleAssignment[] = [];
  beforeEach(async () => {
    const db = bff.database.kysely;
    for (const table of ["access_request_decision", "access_request", "jit_grant", "jit_policy"] as const) await db.deleteFrom(table).execute();
    emulator.control.reset();
    const listed = await request(bff.app).get("/api/rbac/assignments").set("authorization", auth.admin ?? "");
    devAssignments = (listed.body.items as RoleAssignment[]).filter((a) => a.principalName.includes("dev@contoso.test"));
    for (const scope of [`/subscriptions/${devSubscription}`, `/subscriptions/${demo.web01.split("/")[2]}/resourceGroups/rg-web-prod`]) {
      if (!devAssignments.some((a) => a.scope === scope.toLowerCase())) {
        const added = await request(bff.app)
          .post("/api/rbac/assignments")
          .set("authorization", auth.admin ?? "")
          .send({ principalType: "user", principalId: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e02", principalName: "Dana Developer (dev@contoso.test)", role: "Requester", scope });
        expect(added.status, JSON.stringify(added.body)).toBe(201);
        devAssignments.push(added.body as RoleAssignment);
      }
    }
  });

  const webProdAssignment = () => devAssignments.find((a) => a.scope.endsWith("/resourcegroups/rg-web-prod")) as RoleAssignment;
  /** Takes the assignment away behind Portcullis's back (as a group change or another replica's old code would): no clean-up runs. */
  const dropAssignmentRow = (id: string) => bff.database.kysely.deleteFrom("role_assignment").where("id", "=", id).execute();
  const removeThroughAccessControl = (id: string) => request(bff.app).delete(`/api/rbac/assignments/${id}`).set("authorization", auth.admin ?? "");

  async function approvalPolicy(vmIds: string[]) {
    const res = await request(bff.app)
      .put("/api/policies")
      .set("authorization", auth.admin ?? "")
      .send({ vmIds, ports: [sshPerRequest], approval: { requiredApprovals: 1, approvers: { roleHolders: true } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  const ssh = (vmId: string) => ({ vmId, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60, justification: "deploy" });

  it("an approval after the requester lost the role opens nothing: the request ends (RequesterNoLongerAuthorized), audited and notified", async () => {
    await approvalPolicy([demo.web01]);
    const asked = await requestAccess(bff, auth.dev ?? "", ssh(demo.web01));
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    const pending = asked.body as AccessRequest;

    const before = await request(bff.app).get("/api/access-requests").query({ scope: "approvals", status: "pending" }).set("authorization", auth.approver ?? "");
    expect(before.body.items.find((r: AccessRequest) => r.id === pending.id)?.requesterStillAuthorized).toBe(true);

    await dropAssignmentRow(webProdAssignment().id);
    const seen = await request(bff.app).get(`/api/access-requests/${pending.id}`).set("authorization", auth.approver ?? "");
    expect(seen.body.requesterStillAuthorized).toBe(false);

    emulator.control.resetCounters();
    const approved = await request(bff.app).post(`/api/access-requests/${pending.id}/approve`).set("authorization", auth.approver ?? "").send({});
    expect(approved.status).toBe(409);
    expect(approved.body.error.details).toEqual({ requestId: pending.id, reason: "RequesterNoLongerAuthorized" });
    expect(approved.body.error.message).toBe("The request cannot be approved: Dana Developer no longer holds jit.request.create on vm-prod-web-01, so the request cannot open. It has been ended.");
    expect(emulator.control.counters().writes).toBe(0);
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);
    expect(await bff.database.kysely.selectFrom("jit_grant").select("id").execute()).toEqual([]);

    const mine = await request(bff.app).get(`/api/access-requests/${pending.id}`).set("authorization", auth.dev ?? "");
    expect(mine.body).toMatchObject({ status: "failed", error: expect.stringMatching(/^RequesterNoLongerAuthorized: /) });
    const events = (await listAuditEvents(bff.database.kysely)).filter((e) => e.details["requestId"] === pending.id);
    expect(events.map((e) => [e.action, e.outcome, e.details["reason"] ?? null])).toEqual([
      ["request.created", "success", null],
      ["request.failed", "failure", "RequesterNoLongerAuthorized"],
    ]);
  });

  it("extending after the requester lost the role is refused (403 naming the reason); the grant keeps its end and its rule", async () => {
    await enablePolicy(bff, [demo.web02], [sshPerRequest]);
    const opened = await requestAccess(bff, auth.dev ?? "", ssh(demo.web02));
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const grant = opened.body as Grant;
    const rulesBefore = await allowRules(bff.arm, demo.nsgWeb02);

    await dropAssignmentRow(webProdAssignment().id);
    emulator.control.resetCounters();
    const extended = await request(bff.app).post(`/api/grants/${grant.id}/extend`).set("authorization", auth.dev ?? "").send({ addMinutes: 30 });
    expect(extended.status).toBe(403);
    expect(extended.body.error.details).toMatchObject({ permission: "jit.request.create", reason: "RequesterNoLongerAuthorized" });
    expect(emulator.control.counters().writes).toBe(0);
    const after = await request(bff.app).get(`/api/grants/${grant.id}`).set("authorization", auth.dev ?? "");
    expect(after.body.endsAt).toBe(grant.endsAt);
    expect(await allowRules(bff.arm, demo.nsgWeb02)).toEqual(rulesBefore);
  });

  it("removing a role through Access control cancels pending requests and revokes open grants within its scope, and nothing outside it", async () => {
    await approvalPolicy([demo.web01]);
    await enablePolicy(bff, [demo.web02, devApi03], [sshPerRequest]);
    const pending = (await requestAccess(bff, auth.dev ?? "", ssh(demo.web01))).body as AccessRequest;
    const inScope = (await requestAccess(bff, auth.dev ?? "", ssh(demo.web02))).body as Grant;
    const outside = (await requestAccess(bff, auth.dev ?? "", ssh(devApi03))).body as Grant;
    expect([pending.status, inScope.status, outside.status]).toEqual(["pending", "open", "open"]);

    const removed = await removeThroughAccessControl(webProdAssignment().id);
    expect(removed.status).toBe(204);

    const request1 = await request(bff.app).get(`/api/access-requests/${pending.id}`).set("authorization", auth.dev ?? "");
    expect(request1.body).toMatchObject({ status: "cancelled", error: expect.stringMatching(/^RequesterNoLongerAuthorized: /) });
    const revoked = await request(bff.app).get(`/api/grants/${inScope.id}`).set("authorization", auth.dev ?? "");
    expect(revoked.body).toMatchObject({ status: "closed", statusReason: "Revoked" });
    expect(await allowRules(bff.arm, demo.nsgWeb02)).toEqual([]);
    const kept = await request(bff.app).get(`/api/grants/${outside.id}`).set("authorization", auth.dev ?? "");
    expect(kept.body.status).toBe("open");
    expect((await allowRules(bff.arm, nsgDevApi03)).length).toBe(1);

    const events = await listAuditEvents(bff.database.kysely);
    const withdrawn = events.filter((e) => e.actor.name === "Alex Admin" && (e.details["reason"] === "RequesterNoLongerAuthorized" || e.details["cause"] === "RequesterNoLongerAuthorized"));
    expect(withdrawn.map((e) => e.action).sort()).toEqual(["request.cancelled", "request.revoked"]);
    // The removal, the cancellation and the revocation share the admin's request id.
    const removal = events.find((e) => e.action === "rbac.assignment-removed");
    expect(new Set(withdrawn.map((e) => e.correlationId))).toEqual(new Set([removal?.correlationId]));
  });

  it("a grant still opening when the role is removed is closed as revoked once its write lands, in the admin's name (not left open until its end)", async () => {
    await enablePolicy(bff, [demo.web02], [sshPerRequest]);
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-web-02" }, times: 1, fault: { kind: "lro-latency", ms: 2_500 } });
    const asked = requestAccess(bff, auth.dev ?? "", ssh(demo.web02)).then((res) => res); // supertest sends on then
    const db = bff.database.kysely;
    await expect.poll(async () => (await db.selectFrom("jit_grant").select("status").execute()).map((r) => r.status), { timeout: 5_000 }).toEqual(["opening"]);

    expect((await removeThroughAccessControl(webProdAssignment().id)).status).toBe(204);
    const answered = await asked;
    const grant = answered.body as Grant;
    // The write landed after the removal: the rule exists for a moment, and the revocation waits on the row.
    expect(grant.status).toBe("open");
    expect(await bff.jobs.expiry.msUntilNextDue()).toBeLessThan(1_000);

    await bff.jobs.expiry.sweep();
    const seen = await request(bff.app).get(`/api/grants/${grant.id}`).set("authorization", auth.admin ?? "");
    expect(seen.body).toMatchObject({ status: "closed", statusReason: "Revoked" });
    expect(await allowRules(bff.arm, demo.nsgWeb02)).toEqual([]);
    const events = await listAuditEvents(db);
    const revoked = events.find((e) => e.action === "request.revoked" && e.details["grantId"] === grant.id);
    expect(revoked).toMatchObject({ actor: { name: "Alex Admin" }, details: { cause: "RequesterNoLongerAuthorized" } });
    const removal = events.findLast((e) => e.action === "rbac.assignment-removed");
    expect(revoked?.correlationId).toBe(removal?.correlationId);
  });
});

describe("REVOKE_ON_ROLE_REMOVAL=false", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { env: { REVOKE_ON_ROLE_REMOVAL: "false" } });
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  it("keeps open grants running until their end when a role is removed (pending requests are still cancelled)", async () => {
    const admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    const dev = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
    await enablePolicy(bff, [demo.web02], [sshPerRequest]);
    const grant = (await requestAccess(bff, dev, { vmId: demo.web02, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 })).body as Grant;
    const listed = await request(bff.app).get("/api/rbac/assignments").set("authorization", admin);
    const webProd = (listed.body.items as RoleAssignment[]).find((a) => a.scope.endsWith("/resourcegroups/rg-web-prod"));
    expect((await request(bff.app).delete(`/api/rbac/assignments/${webProd?.id ?? ""}`).set("authorization", admin)).status).toBe(204);
    expect((await request(bff.app).get(`/api/grants/${grant.id}`).set("authorization", dev)).body.status).toBe("open");
    expect((await allowRules(bff.arm, demo.nsgWeb02)).length).toBe(1);
  });
});
