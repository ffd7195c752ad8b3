import { randomUUID } from "node:crypto";
import type { AccessRequest, Grant, PolicyPort } from "@portcullis/contract";
import { demoUsers } from "@portcullis/local-issuer";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "./lib/audit/audit-events.ts";
import { demo, demoVmId, prod, rulesNow } from "./test-support/policies.ts";
import { requestAccess } from "./test-support/requests.ts";
import { signInAs } from "./test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "./test-support/stack.ts";

/**
 * Someone outside a thing's scope gets the answer an unknown id gets: the same status and body (but the id they
 * sent), nothing about its VM, and nothing written. dev@contoso.test is a Requester in Contoso-Dev and rg-web-prod;
 * reader@contoso.test is made an Admin of rg-web-prod here. Everything below is on vm-prod-app-01 in rg-app-prod.
 */
const perRequestSsh: PolicyPort = { port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" };
const rdpAtOnce: PolicyPort = { port: 3389, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H", requireApproval: false };
const outsiders = ["dev", "reader"] as const;

describe("ids outside the caller's scope answer exactly like unknown ids", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const auth: Record<string, string> = {};
  let grant: Grant;
  let pending: AccessRequest;
  let subscriptionId: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    for (const user of ["admin", "dev", "reader"]) auth[user] = `Bearer ${await signInAs(bff, `${user}@contoso.test`)}`;
    const reader = demoUsers.find((u) => u.username === "reader@contoso.test");
    await bff.assignments.create({ principalType: "user", principalId: reader?.oid ?? "", principalName: "Riley Reader", role: "Admin", scope: `/subscriptions/${prod}/resourceGroups/rg-web-prod`, createdBy: { oid: "test", name: "test" } });
    const admin = (path: string) => request(bff.app).post(path).set("authorization", auth.admin ?? "");
    const policy = await request(bff.app)
      .put("/api/policies")
      .set("authorization", auth.admin ?? "")
      .send({ vmIds: [demo.app01], ports: [perRequestSsh, rdpAtOnce], approval: { requiredApprovals: 1, approvers: { roleHolders: true } } });
    expect(policy.status, JSON.stringify(policy.body)).toBe(200);
    const opened = await requestAccess(bff, auth.admin ?? "", { vmId: demo.app01, ports: [{ port: 3389 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    grant = opened.body as Grant;
    const waiting = await requestAccess(bff, auth.admin ?? "", { vmId: demo.app01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    expect(waiting.status, JSON.stringify(waiting.body)).toBe(202);
    pending = waiting.body as AccessRequest;
    const subscription = await admin("/api/notifications/subscriptions").send({
      name: "app tier",
      kind: "webhook",
      url: "http://127.0.0.1:9/hook",
      scope: `/subscriptions/${prod}/resourceGroups/rg-app-prod`,
      events: ["request.opened"],
    });
    expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
    subscriptionId = subscription.body.subscription.id as string;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  /** What the database and the NSGs hold that a refused call must leave as it was. */
  async function state() {
    const db = bff.database.kysely;
    return {
      grants: await db.selectFrom("jit_grant").select(["id", "status", "ends_at"]).orderBy("id").execute(),
      requests: await db.selectFrom("access_request").select(["id", "status"]).orderBy("id").execute(),
      decisions: await db.selectFrom("access_request_decision").selectAll().execute(),
      subscriptions: await db.selectFrom("notification_subscription").select(["id", "enabled"]).orderBy("id").execute(),
      outbox: (await db.selectFrom("notification_outbox").select("id").execute()).length,
      // A refused write leaves exactly one trace, access.denied (checked below); nothing else may be appended.
      audit: (await listAuditEvents(db)).filter((e) => e.action !== "access.denied").length,
      nsg: await rulesNow(bff.arm, demo.nsgApp01),
    };
  }

  /** Sends the call for the real id and for an unknown one; both must be the same 404 (or 403), leak nothing, and change nothing. */
  async function expectLikeUnknown(who: string, method: "get" | "post" | "patch" | "delete", path: (id: string) => string, realId: string, body?: object, status = 404) {
    const unknownId = randomUUID();
    const before = await state();
    emulator.control.resetCounters();
    const send = (id: string) => {
      const call = request(bff.app)[method](path(id)).set("authorization", auth[who] ?? "");
      return body === undefined ? call : call.send(body);
    };
    const real = await send(realId);
    const unknown = await send(unknownId);
    expect(real.status, JSON.stringify(real.body)).toBe(status);
    expect(JSON.stringify(real.body).replaceAll(realId, "<id>")).toBe(JSON.stringify(unknown.body).replaceAll(unknownId, "<id>"));
    const text = JSON.stringify(real.body).toLowerCase();
    expect(text).not.toContain("vm-prod-app-01");
    expect(text).not.toContain("rg-app-prod");
    expect(emulator.control.counters()).toMatchObject({ requests: 0, writes: 0 });
    expect(await state()).toEqual(before);
  }

  it.each(outsiders)("grants: %s gets 404 'No grant <id>' on get, revoke and extend of someone else's grant on a VM outside their scope, and the rules stay", async (who) => {
    await expectLikeUnknown(who, "get", (id) => `/api/grants/${id}`, grant.id);
    await expectLikeUnknown(who, "post", (id) => `/api/grants/${id}/revoke`, grant.id, {});
    await expectLikeUnknown(who, "post", (id) => `/api/grants/${id}/extend`, grant.id, { addMinutes: 5 });
    const res = await request(bff.app).get(`/api/grants/${grant.id}`).set("authorization", auth[who] ?? "");
    expect(res.body.error).toEqual({ code: "NotFound", message: `No grant ${grant.id}`, details: { grantId: grant.id } });
  });

  it.each(outsiders)("access requests: %s gets 404 on reading, its requester history, approve, deny and cancel, and nothing is decided", async (who) => {
    await expectLikeUnknown(who, "get", (id) => `/api/access-requests/${id}`, pending.id);
    await expectLikeUnknown(who, "get", (id) => `/api/access-requests/${id}/requester-history`, pending.id);
    await expectLikeUnknown(who, "post", (id) => `/api/access-requests/${id}/approve`, pending.id, { comment: "ok" });
    await expectLikeUnknown(who, "post", (id) => `/api/access-requests/${id}/deny`, pending.id, { comment: "no" });
    await expectLikeUnknown(who, "post", (id) => `/api/access-requests/${id}/cancel`, pending.id, {});
  });

  it("break-glass review: an approver of another resource group gets 404, someone who approves nowhere the route's 403, for known and unknown ids alike", async () => {
    await expectLikeUnknown("reader", "post", (id) => `/api/access-requests/${id}/review`, pending.id, { comment: "seen" });
    await expectLikeUnknown("dev", "post", (id) => `/api/access-requests/${id}/review`, pending.id, { comment: "seen" }, 403);
  });

  it("notification subscriptions: an Admin of another resource group gets 404 on change, delete and test, and nothing is queued", async () => {
    await expectLikeUnknown("reader", "patch", (id) => `/api/notifications/subscriptions/${id}`, subscriptionId, { enabled: false });
    await expectLikeUnknown("reader", "delete", (id) => `/api/notifications/subscriptions/${id}`, subscriptionId);
    await expectLikeUnknown("reader", "post", (id) => `/api/notifications/subscriptions/${id}/test`, subscriptionId, {});
    const listed = await request(bff.app).get("/api/notifications/subscriptions").set("authorization", auth.reader ?? "");
    expect(listed.body.items.map((s: { id: string }) => s.id)).not.toContain(subscriptionId);
  });

  it.each(outsiders)("policies and VM properties: %s gets the same 403 for a VM with a policy outside their scope as for a VM that does not exist", async (who) => {
    const missing = demoVmId("rg-app-prod", "vm-prod-app-99");
    for (const path of ["/api/policies/vm?vmId=", "/api/vms/properties?vmId=", "/api/policies/export?vmId="]) {
      emulator.control.resetCounters();
      const real = await request(bff.app).get(`${path}${encodeURIComponent(demo.app01)}`).set("authorization", auth[who] ?? "");
      const unknown = await request(bff.app).get(`${path}${encodeURIComponent(missing)}`).set("authorization", auth[who] ?? "");
      expect(real.status).toBe(403);
      expect(JSON.stringify(real.body).replaceAll(demo.app01, "<vm>")).toBe(JSON.stringify(unknown.body).replaceAll(missing, "<vm>"));
      expect(emulator.control.counters()).toMatchObject({ requests: 0, writes: 0 });
    }
  });
});
