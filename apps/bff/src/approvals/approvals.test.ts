import type { AccessRequest, ApprovalSettings, Grant, PolicyPort } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { localTenantId } from "../lib/config-auth.ts";
import { demo } from "../test-support/policies.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { expectDocumented } from "../test-support/openapi-responses.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { allowRules, requestAccess, sshPerRequest } from "../test-support/requests.ts";

const start = new Date("2030-06-01T09:00:00.000Z");
const rdpAtOnce: PolicyPort = { port: 3389, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H", requireApproval: false };

describe("approvals: N of M, self-approval, approver sets, lapse, the clock, cancel, deny and break-glass", () => {
  const clock = createManualClock(start);
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const auth: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { clock });
    for (const user of ["admin", "dev", "approver", "approver2", "reader"]) auth[user] = `Bearer ${await signInAs(bff, `${user}@contoso.test`)}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    clock.set(start);
    emulator.control.reset();
    const db = bff.database.kysely;
    await db.deleteFrom("access_request_decision").execute();
    await db.deleteFrom("access_request").execute();
    await db.deleteFrom("jit_grant").execute();
    await db.deleteFrom("jit_policy").execute();
  });

  async function putPolicy(approval: Partial<ApprovalSettings> | null, extra: object = {}, ports: PolicyPort[] = [sshPerRequest, rdpAtOnce]) {
    const body = { vmIds: [demo.web01], ports, approval: approval === null ? null : { requiredApprovals: 2, approvers: { roleHolders: true }, ...approval }, ...extra };
    return expectDocumented(await request(bff.app).put("/api/policies").set("authorization", auth.admin ?? "").send(body));
  }

  async function ask(who: string, body: object = {}) {
    return requestAccess(bff, auth[who] ?? "", { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 60, justification: "fix the deploy", ...body });
  }

  const decide = async (who: string, id: string, action: "approve" | "deny" | "cancel" | "review", body: object = {}) =>
    expectDocumented(await request(bff.app).post(`/api/access-requests/${id}/${action}`).set("authorization", auth[who] ?? "").send(body));

  async function pendingRequest(who = "dev", body: object = {}): Promise<AccessRequest> {
    const res = await ask(who, body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as AccessRequest;
  }

  const sshRules = () => allowRules(bff.arm, demo.nsgWeb01);

  async function auditActions(requestId: string): Promise<Array<{ action: string; actor: string; details: Record<string, unknown> }>> {
    const rows = await bff.database.kysely.selectFrom("audit_event").select(["action", "actor_name", "details", "seq"]).orderBy("seq").execute();
    return rows
      .map((r) => ({ action: r.action, actor: r.actor_name, details: (typeof r.details === "string" ? JSON.parse(r.details) : r.details) as Record<string, unknown> }))
      .filter((r) => r.details["requestId"] === requestId);
  }

  it("two approvals are needed when the policy says two: the first opens nothing, the same approver cannot count twice, the second opens the port with the full hour from the approval", async () => {
    expect((await putPolicy({ requiredApprovals: 2 })).status).toBe(200);
    const pending = await pendingRequest();
    expect(pending).toMatchObject({ status: "pending", requester: { username: "dev@contoso.test" }, approval: { required: 2, remaining: 2, clockStartsAt: "approval" }, expiresAt: "2030-06-02T09:00:00.000Z", canDecide: false });
    expect(await sshRules()).toEqual([]);

    clock.advance(10 * 60_000);
    const listed = await request(bff.app).get("/api/access-requests?scope=approvals&status=pending").set("authorization", auth.approver ?? "");
    expect(listed.body.items.map((r: AccessRequest) => [r.id, r.canDecide])).toEqual([[pending.id, true]]);

    const first = await decide("approver", pending.id, "approve", { comment: "ok by me" });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: "pending", approval: { remaining: 1, decisions: [{ approver: { name: "Avery Approver" }, decision: "approve", comment: "ok by me" }] } });
    expect(await sshRules()).toEqual([]);

    const twice = await decide("approver", pending.id, "approve");
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/already decided/);

    clock.advance(5 * 60_000);
    const second = await decide("approver2", pending.id, "approve");
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({ status: "opened", approval: { remaining: 0 }, decidedAt: "2030-06-01T09:15:00.000Z" });
    const grantId = (second.body as AccessRequest).grantId;
    const rules = await sshRules();
    expect(rules).toHaveLength(1);
    expect(rules[0]?.description).toContain(grantId);

    const grant = (await request(bff.app).get(`/api/grants/${grantId}`).set("authorization", auth.dev ?? "")).body as Grant;
    expect(grant).toMatchObject({ status: "open", requestId: pending.id, requester: { name: "Dana Developer" }, startsAt: "2030-06-01T09:15:00.000Z", endsAt: "2030-06-01T10:15:00.000Z" });

    const mine = await request(bff.app).get("/api/access-requests?scope=mine").set("authorization", auth.dev ?? "");
    expect(mine.body.items).toMatchObject([{ id: pending.id, status: "opened", grantId }]);
    expect((await auditActions(pending.id)).map((e) => [e.action, e.actor, e.details["remaining"] ?? null])).toEqual([
      ["request.created", "Dana Developer", null],
      ["request.approved", "Avery Approver", 1],
      ["request.approved", "Blake Approver", 0],
      ["request.opened", "Blake Approver", null],
    ]);
  });

  it("when the last approval's NSG write fails, the answer names the NSG, the request is failed with why, and no port is open", async () => {
    expect((await putPolicy({ requiredApprovals: 1 })).status).toBe(200);
    const pending = await pendingRequest();
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-snet-web" }, times: 1, fault: { kind: "lro-fail", code: "NetworkingInternalOperationError", message: "An error occurred." } });
    const res = await decide("approver", pending.id, "approve");
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(res.body.error.message).toMatch(/nsg-snet-web/);
    const after = (await request(bff.app).get(`/api/access-requests/${pending.id}`).set("authorization", auth.dev ?? "")).body as AccessRequest;
    expect(after).toMatchObject({ status: "failed", error: res.body.error.message, approval: { remaining: 0 } });
    expect(await sshRules()).toEqual([]);
    expect(await allowRules(bff.arm, demo.nsgSnetWeb)).toEqual([]);
  });

  it("a requester cannot approve their own request unless the policy allows self-approval", async () => {
    expect((await putPolicy({ requiredApprovals: 1 })).status).toBe(200);
    const own = await pendingRequest("admin");
    const refused = await decide("admin", own.id, "approve");
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/own request/);
    expect(await sshRules()).toEqual([]);

    expect((await putPolicy({ requiredApprovals: 1, allowSelfApproval: true })).status).toBe(200);
    const allowed = await pendingRequest("admin");
    const approved = await decide("admin", allowed.id, "approve");
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe("opened");
  });

  it("only the approver set decides: a role holder outside a named set gets 403, a user without access sees nothing, the named approver opens it", async () => {
    expect((await putPolicy({ requiredApprovals: 1, approvers: { roleHolders: false, users: ["approver2@contoso.test"], groups: [] } })).status).toBe(200);
    const pending = await pendingRequest();
    const outsider = await decide("approver", pending.id, "approve");
    expect(outsider.status).toBe(404);
    const reader = await decide("reader", pending.id, "approve");
    expect(reader.status).toBe(404);
    expect(await sshRules()).toEqual([]);
    expect((await decide("approver2", pending.id, "approve")).body.status).toBe("opened");
    expect(await sshRules()).toHaveLength(1);
  });

  it("named approvers are saved as object ids (with tenant and name): a user name given once is resolved, an unknown one is a 400 naming the entry", async () => {
    const saved = await putPolicy({ requiredApprovals: 1, approvers: { roleHolders: false, users: ["APPROVER2@contoso.test", "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e06"], groups: [] } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const stored = await request(bff.app).get("/api/policies/vm").query({ vmId: demo.web01 }).set("authorization", auth.admin ?? "");
    expect(stored.body.approval.approvers.users).toEqual(["5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e06"]);
    expect(stored.body.approval.approvers.named).toEqual([{ oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e06", tenantId: localTenantId, name: "Blake Approver", username: "approver2@contoso.test" }]);
    const unknown = await putPolicy({ requiredApprovals: 1, approvers: { roleHolders: false, users: ["approver2@contoso.test", "nobody@contoso.test"], groups: [] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.problems).toEqual([
      { field: "approval.approvers.users[1]", rule: '"nobody@contoso.test" is not a user Portcullis knows: give their object id, or ask them to sign in to Portcullis once' },
    ]);
    // The refused save changed nothing.
    const after = await request(bff.app).get("/api/policies/vm").query({ vmId: demo.web01 }).set("authorization", auth.admin ?? "");
    expect(after.body.version).toBe(stored.body.version);
  });

  it("a policy whose named approvers cannot reach the count is refused, naming the field", async () => {
    const res = await putPolicy({ requiredApprovals: 2, approvers: { roleHolders: false, users: ["approver2@contoso.test"], groups: [] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems).toEqual([{ field: "approval.requiredApprovals", rule: expect.stringMatching(/must not exceed the 1 named approver/) }]);
    const none = await putPolicy({ requiredApprovals: 0 });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain("approval.requiredApprovals");
  });

  it("a denial needs a comment, ends the request at once, and nothing opens afterwards", async () => {
    expect((await putPolicy({ requiredApprovals: 2 })).status).toBe(200);
    const pending = await pendingRequest();
    const bare = await decide("approver", pending.id, "deny", {});
    expect(bare.status).toBe(400);
    expect(bare.body.error.details.problems[0].field).toBe("comment");
    const denied = await decide("approver", pending.id, "deny", { comment: "use the bastion" });
    expect(denied.body).toMatchObject({ status: "denied", approval: { decisions: [{ decision: "deny", comment: "use the bastion" }] } });
    const late = await decide("approver2", pending.id, "approve");
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/was denied/);
    expect(await sshRules()).toEqual([]);
  });

  it("the requester can cancel a pending request; a cancelled request cannot be approved; others cannot cancel it", async () => {
    expect((await putPolicy({ requiredApprovals: 1 })).status).toBe(200);
    const pending = await pendingRequest();
    expect((await decide("approver", pending.id, "cancel")).status).toBe(403);
    const cancelled = await decide("dev", pending.id, "cancel");
    expect(cancelled.body.status).toBe("cancelled");
    expect((await decide("dev", pending.id, "cancel")).status).toBe(409);
    const late = await decide("approver", pending.id, "approve");
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/cancelled/);
    expect(await sshRules()).toEqual([]);
  });

  it("a request lapses after the policy's wait: the lapse job marks it, records request.lapsed, and approving it is refused", async () => {
    expect((await putPolicy({ requiredApprovals: 1, maxWait: "PT1H" })).status).toBe(200);
    const pending = await pendingRequest();
    expect(pending.expiresAt).toBe("2030-06-01T10:00:00.000Z");
    clock.advance(59 * 60_000);
    expect(await bff.approvals.lapseDue()).toBe(0);
    clock.advance(60_000);
    // Approving at the deadline is already refused, before the job has run.
    expect((await decide("approver", pending.id, "approve")).status).toBe(409);
    expect(await bff.approvals.lapseDue()).toBe(1);
    expect(await bff.approvals.lapseDue()).toBe(0);
    const after = await decide("approver", pending.id, "approve");
    expect(after.status).toBe(409);
    expect(after.body.error.message).toMatch(/has lapsed/);
    expect((await auditActions(pending.id)).map((e) => [e.action, e.actor])).toEqual([
      ["request.created", "Dana Developer"],
      ["request.lapsed", "Portcullis scheduler"],
    ]);
    expect(await sshRules()).toEqual([]);
  });

  it("with the clock at the request, an approval 20 minutes later grants only the 40 minutes that remain", async () => {
    expect((await putPolicy({ requiredApprovals: 1, clockStartsAt: "request" })).status).toBe(200);
    const pending = await pendingRequest();
    expect(pending.expiresAt).toBe("2030-06-01T10:00:00.000Z");
    clock.advance(20 * 60_000);
    const approved = await decide("approver", pending.id, "approve");
    const grant = (await request(bff.app).get(`/api/grants/${approved.body.grantId}`).set("authorization", auth.dev ?? "")).body as Grant;
    expect(grant).toMatchObject({ startsAt: "2030-06-01T09:20:00.000Z", endsAt: "2030-06-01T10:00:00.000Z" });
  });

  it("ports the policy exempts from approval open at once, as before", async () => {
    expect((await putPolicy({ requiredApprovals: 2 })).status).toBe(200);
    const res = await ask("dev", { ports: [{ port: 3389 }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect((res.body as Grant).status).toBe("open");
  });

  it("break-glass opens at once where the policy allows it, with a justification, and waits for an approver's review", async () => {
    expect((await putPolicy({ requiredApprovals: 2 })).status).toBe(200);
    const notAllowed = await ask("dev", { breakGlass: true });
    expect(notAllowed.status).toBe(400);
    expect(notAllowed.body.error.details.problems).toEqual([{ field: "breakGlass", rule: expect.stringMatching(/no break-glass/) }]);

    expect((await putPolicy({ requiredApprovals: 2 }, { breakGlass: true })).status).toBe(200);
    const noReason = await ask("dev", { breakGlass: true, justification: "  " });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.problems).toEqual([{ field: "justification", rule: expect.stringMatching(/required for break-glass/) }]);
    expect(await sshRules()).toEqual([]);

    const opened = await ask("dev", { breakGlass: true, justification: "outage: database down" });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const grant = opened.body as Grant;
    expect(grant).toMatchObject({ status: "open", breakGlass: true });
    expect(await sshRules()).toHaveLength(1);

    const toReview = await request(bff.app).get("/api/access-requests?scope=approvals").set("authorization", auth.approver ?? "");
    const flagged = (toReview.body.items as AccessRequest[]).find((r) => r.breakGlass);
    expect(flagged).toMatchObject({ id: grant.requestId, status: "opened", grantId: grant.id, review: null });
    expect((await decide("dev", grant.requestId ?? "", "review", { comment: "fine" })).status).toBe(403);
    const reviewed = await decide("approver", grant.requestId ?? "", "review", { comment: "checked the session log" });
    expect(reviewed.body.review).toMatchObject({ by: { name: "Avery Approver" }, comment: "checked the session log" });
    expect((await decide("approver2", grant.requestId ?? "", "review", { comment: "again" })).status).toBe(409);
    expect((await auditActions(grant.requestId ?? "")).map((e) => e.action)).toEqual(["request.created", "request.break-glass", "request.opened", "request.break-glass-reviewed"]);
  });

  it("approvers see the requester's recent history beside the request", async () => {
    expect((await putPolicy({ requiredApprovals: 1 })).status).toBe(200);
    expect((await ask("dev", { ports: [{ port: 3389 }] })).status).toBe(201);
    const pending = await pendingRequest();
    const history = await request(bff.app).get(`/api/access-requests/${pending.id}/requester-history`).set("authorization", auth.approver ?? "");
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ requester: { name: "Dana Developer" }, grants: [{ vmName: "vm-prod-web-01", ports: [{ port: 3389, protocol: "TCP" }], status: "open" }] });
    expect((await request(bff.app).get(`/api/access-requests/${pending.id}/requester-history`).set("authorization", auth.reader ?? "")).status).toBe(404);
    expect((await request(bff.app).get("/api/access-requests/not-a-uuid").set("authorization", auth.dev ?? "")).status).toBe(400);
  });
});
