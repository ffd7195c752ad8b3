import { randomUUID } from "node:crypto";
import { demoUsers } from "@portcullis/local-issuer";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccessRequestRepository } from "../../approvals/repository.ts";
import { demo, demoVmId } from "../../test-support/policies.ts";
import { createGrantRepository } from "../../requests/repository.ts";
import { storedGrant } from "../../test-support/requests.ts";
import { createManualClock, type ManualClock } from "../../test-support/manual-clock.ts";
import { signInAs } from "../../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../../test-support/stack.ts";
import { listAuditEvents, type AuditEvent } from "./audit-events.ts";

const oidOf = (username: string) => demoUsers.find((u) => u.username === username)?.oid ?? "";
const minute = 60_000;

describe("refused writes leave an access.denied event", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let clock: ManualClock;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startTestEmulator();
    clock = createManualClock();
    bff = await assembleTestBff(emulator, { clock });
    for (const user of ["dev@contoso.test", "reader@contoso.test", "auditor@contoso.test"]) tokens[user] = `Bearer ${await signInAs(bff, user)}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  const denials = async (filter: { correlationId?: string; actorOid?: string } = {}): Promise<AuditEvent[]> =>
    (await listAuditEvents(bff.database.kysely, filter.correlationId === undefined ? {} : { correlationId: filter.correlationId })).filter(
      (e) => e.action === "access.denied" && (filter.actorOid === undefined || e.actor.oid === filter.actorOid),
    );

  it("When the guard refuses a write, then the event names the caller, the route template, the permission and the scope", async () => {
    clock.advance(minute);
    const res = await request(bff.app).post("/api/inventory/refresh").set("authorization", tokens["dev@contoso.test"] ?? "");
    expect(res.status).toBe(403);
    expect(await denials({ correlationId: res.headers["x-request-id"] })).toEqual([
      expect.objectContaining({
        action: "access.denied",
        outcome: "failure",
        actor: { oid: oidOf("dev@contoso.test"), name: "Dana Developer", ip: "127.0.0.1" },
        vmId: null,
        details: { route: "POST /api/inventory/refresh", permission: "jit.inventory.refresh", scope: "/" },
        error: "Missing permission jit.inventory.refresh at scope /",
      }),
    ]);
  });

  it("When the handler refuses (a grant that is not the caller's), then the route is the template, never the URL with its id", async () => {
    const grant = storedGrant(oidOf("admin@contoso.test"));
    await createGrantRepository(bff.database.kysely).insertOpening(grant, []);
    const res = await request(bff.app).post(`/api/grants/${grant.id}/revoke?via=test`).set("authorization", tokens["dev@contoso.test"] ?? "");
    // 404, as for an unknown id (nothing about the grant leaks), yet the refusal is recorded.
    expect(res.status).toBe(404);
    const [event] = await denials({ correlationId: res.headers["x-request-id"] });
    // Nothing in it says the grant exists or where: the caller can read their own access.denied events.
    expect(event?.details).toEqual({ route: "POST /api/grants/:id/revoke", permission: "jit.request.revoke.any", scope: null, grantId: grant.id });
    expect(event?.error).toBe(`Refused: grant ${grant.id} (answered as not found)`);
    expect(JSON.stringify(event)).not.toContain("vm-prod-web-02");
    // An id that does not exist leaves the very same trace (another caller here: one per caller and route a minute).
    const unknown = randomUUID();
    const missing = await request(bff.app).post(`/api/grants/${unknown}/revoke`).set("authorization", tokens["reader@contoso.test"] ?? "");
    expect(missing.status).toBe(404);
    const [twin] = await denials({ correlationId: missing.headers["x-request-id"] });
    expect(twin?.details).toEqual({ route: "POST /api/grants/:id/revoke", permission: "jit.request.revoke.any", scope: null, grantId: unknown });
    expect(JSON.stringify(event)).not.toContain("via=test");
  });

  it("When a refusal names no permission (cancelling someone else's request), then the event keeps the request it was about", async () => {
    const id = randomUUID();
    const now = new Date();
    await createAccessRequestRepository(bff.database.kysely).insert({
      id,
      vmId: demo.web02.toLowerCase(),
      vmName: "vm-prod-web-02",
      resourceGroup: "rg-web-prod",
      subscriptionId: demo.web02.split("/")[2] ?? "",
      requesterOid: oidOf("dev@contoso.test"),
      requesterName: "Dana Developer",
      requesterUsername: "dev@contoso.test",
      requesterIp: null,
      ports: [{ port: 22, protocol: "TCP" }],
      sourcePrefixes: ["198.51.100.7/32"],
      durationMinutes: 30,
      justification: "patching",
      status: "pending",
      // The auditor is a named approver, so sees the request, but only its requester may cancel it.
      approval: { requiredApprovals: 1, approvers: { roleHolders: false, users: [oidOf("auditor@contoso.test")], groups: [] }, allowSelfApproval: false, maxWait: "PT1H", clockStartsAt: "approval" },
      createdAt: now,
      expiresAt: new Date(now.getTime() + 3600_000),
      decidedAt: null,
      breakGlass: false,
      review: null,
      grantId: null,
      error: null,
      correlationId: null,
      decisions: [],
    });
    const res = await request(bff.app).post(`/api/access-requests/${id}/cancel`).set("authorization", tokens["auditor@contoso.test"] ?? "");
    expect(res.status).toBe(403);
    const [event] = await denials({ correlationId: res.headers["x-request-id"] });
    expect(event).toMatchObject({
      actor: { oid: oidOf("auditor@contoso.test") },
      details: { route: "POST /api/access-requests/:id/cancel", permission: null, scope: null, requestId: id },
      error: "Only the requester can cancel a request",
    });
  });

  it.each([
    ["an inventory read", "/api/inventory/vms?tab=recommended"],
    ["the role assignments", "/api/rbac/assignments"],
    ["the notification subscriptions", "/api/notifications/subscriptions"],
  ])("When a read is refused (%s), then nothing is recorded", async (_what, url) => {
    const res = await request(bff.app).get(url).set("authorization", tokens["reader@contoso.test"] ?? "");
    expect(res.status).toBe(403);
    expect(await denials({ correlationId: res.headers["x-request-id"] })).toEqual([]);
  });

  it("When a write comes without a valid token (401), then nothing is recorded", async () => {
    const before = (await denials()).length;
    const res = await request(bff.app).post("/api/inventory/refresh").set("authorization", "Bearer not-a-token");
    expect(res.status).toBe(401);
    expect(await denials()).toHaveLength(before);
  });

  it("When a caller floods refused writes, then one event per route and permission per minute, at most 20 per minute, and the next event counts what was left out", async () => {
    const reader = tokens["reader@contoso.test"] ?? "";
    const readerOid = oidOf("reader@contoso.test");
    clock.advance(minute);
    const before = (await denials({ actorOid: readerOid })).length;
    const refresh = () => request(bff.app).post("/api/inventory/refresh").set("authorization", reader);

    // 50 refusals of one write within a minute: one event.
    for (let i = 0; i < 50; i++) expect((await refresh()).status).toBe(403);
    expect(await denials({ actorOid: readerOid })).toHaveLength(before + 1);

    // A minute later the next one is recorded, saying 49 were left out.
    clock.advance(minute);
    const next = await refresh();
    const [counted] = await denials({ correlationId: next.headers["x-request-id"] });
    expect(counted?.details).toMatchObject({ route: "POST /api/inventory/refresh", suppressed: 49 });

    // 25 different scopes in the same minute: the per-caller cap (20, the refresh above included) holds.
    for (let i = 0; i < 25; i++) {
      const vmId = demoVmId("rg-flood", `vm-${i}`);
      const res = await request(bff.app).post("/api/requests").set("authorization", reader).send({ vmId, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 30 });
      expect(res.status).toBe(403);
    }
    const recorded = await denials({ actorOid: readerOid });
    expect(recorded).toHaveLength(before + 2 + 19);
    expect(recorded.filter((e) => e.details["route"] === "POST /api/requests").map((e) => e.details["scope"])).toEqual(
      Array.from({ length: 19 }, (_, i) => demoVmId("rg-flood", `vm-${i}`)),
    );

    // Another caller is not held back by this one's flood.
    const other = await request(bff.app).post("/api/policies/remove").set("authorization", tokens["auditor@contoso.test"] ?? "").send({ vmIds: [demo.web01] });
    expect(other.status).toBe(403);
    expect(await denials({ correlationId: other.headers["x-request-id"] })).toHaveLength(1);

    clock.advance(minute);
    const after = await refresh();
    const [last] = await denials({ correlationId: after.headers["x-request-id"] });
    expect(last?.details["suppressed"]).toBe(6);
  });
});
