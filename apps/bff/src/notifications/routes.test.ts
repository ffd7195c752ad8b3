import { Writable } from "node:stream";
import { demoUsers } from "@portcullis/local-issuer";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { createLogger } from "../lib/logger.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { fakeDns } from "../test-support/notifications.ts";

const prodSub = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const webRg = `${prodSub}/resourceGroups/rg-web-prod`;
const appRg = `${prodSub}/resourceGroups/rg-app-prod`;
const secretPath = "/portcullis/Xq9-path-secret";

/** The subscription routes on a BFF in Entra-like posture (no http to localhost) and without SMTP. */
describe("notification subscriptions through the API", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const logLines: string[] = [];
  const tokens: Record<string, string> = {};
  const as = (user: string) => `Bearer ${tokens[user]}`;
  const webhook = (extra: object = {}) => ({ name: "SOC webhook", kind: "webhook", url: `https://hooks.example.com${secretPath}`, scope: "/", events: ["request.opened", "request.expired"], ...extra });
  const create = (user: string, body: object) => request(bff.app).post("/api/notifications/subscriptions").set("authorization", as(user)).send(body);

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    bff = await assembleTestBff(emulator, {
      env: { NOTIFY_ALLOW_HTTP_LOCALHOST: "false" },
      logger: createLogger("trace", sink),
      notifications: { resolveHost: fakeDns({ "hooks.example.com": ["20.50.1.2"] }).resolve },
    });
    for (const user of ["admin", "dev", "approver", "auditor", "reader"]) tokens[user] = await signInAs(bff, `${user}@contoso.test`);
    // Riley Reader is Admin of one resource group only.
    const reader = demoUsers.find((u) => u.username === "reader@contoso.test");
    await bff.assignments.create({ principalType: "user", principalId: reader?.oid ?? "", principalName: "Riley Reader", role: "Admin", scope: webRg, createdBy: { oid: "t", name: "test" } });
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    await bff.database.kysely.deleteFrom("notification_outbox").execute();
    await bff.database.kysely.deleteFrom("notification_subscription").execute();
  });

  it("an Admin creates a webhook: 201 with a generated signing key shown once; the list, the audit event and the logs never hold the key or the URL's path", async () => {
    const res = await create("admin", webhook());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body.subscription).toMatchObject({
      name: "SOC webhook",
      kind: "webhook",
      targetDisplay: "https://hooks.example.com/…",
      scope: "/",
      events: ["request.opened", "request.expired"],
      enabled: true,
      toRequester: false,
      signed: true,
      createdBy: "Alex Admin",
    });
    const secret = res.body.secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await bff.database.kysely.selectFrom("notification_subscription").select("secret").executeTakeFirst()).toEqual({ secret });

    const list = await request(bff.app).get("/api/notifications/subscriptions").set("authorization", as("admin"));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([res.body.subscription]);
    const events = (await listAuditEvents(bff.database.kysely)).filter((e) => e.action === "notification.subscription-added");
    expect(events.map((e) => e.details)).toEqual([
      { subscriptionId: res.body.subscription.id, name: "SOC webhook", kind: "webhook", targetDisplay: "https://hooks.example.com/…", scope: "/", events: ["request.opened", "request.expired"], enabled: true, toRequester: false },
    ]);
    for (const text of [JSON.stringify(list.body), JSON.stringify(events), logLines.join("")]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secretPath);
    }

    const given = await create("admin", webhook({ name: "own key", secret: "k".repeat(40) }));
    expect(given.status).toBe(201);
    expect(given.body).not.toHaveProperty("secret");
    expect(logLines.join("")).not.toContain("k".repeat(40));
  });

  it.each([
    ["http to a host that is not local", webhook({ url: "http://hooks.example.com/x" }), "url", "must use https (http is allowed only to localhost, in development)"],
    ["http to localhost while the server does not allow it", webhook({ url: "http://127.0.0.1:8081/x" }), "url", "must use https: this server does not allow http to localhost (NOTIFY_ALLOW_HTTP_LOCALHOST is off)"],
    ["credentials in the URL", webhook({ url: "https://me:pw@hooks.example.com/x" }), "url", "must not contain a user name or password"],
    ["a Teams URL on another host", webhook({ kind: "teams", url: "https://teams.example.com/webhook" }), "url", "must be a Teams incoming webhook or Workflows URL (on *.webhook.office.com, *.logic.azure.com, *.environment.api.powerplatform.com)"],
    ["a Slack URL on another host", webhook({ kind: "slack", url: "https://slack.example.com/services/x" }), "url", "must be a Slack incoming webhook URL (on hooks.slack.com)"],
    ["a webhook without a URL", { ...webhook(), url: undefined }, "url", "is required for webhook"],
    ["e-mail without recipients", { name: "mail", kind: "email", emails: [], scope: "/", events: ["request.opened"] }, "emails", "must name at least one recipient, unless the e-mail goes to the requester"],
    ["e-mail while the server has no SMTP_URL", { name: "mail", kind: "email", emails: ["secops@contoso.test"], scope: "/", events: ["request.opened"] }, "kind", "e-mail needs SMTP_URL configured on the server"],
    ["a short signing key", webhook({ secret: "short" }), "secret", "must be at least 32 characters"],
    ["no events", webhook({ events: [] }), "events", "must be at least 1"],
    ["an unknown event", webhook({ events: ["request.exploded"] }), "events[0]", expect.stringMatching(/^must be one of request\.pending-approval, /)],
    ["a scope that is not one", webhook({ scope: "/tenants/x" }), "scope", "must be /, /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{name} or a virtual machine id"],
  ])("%s: 400 naming the field and the rule, nothing stored", async (_case, body, field, rule) => {
    const res = await create("admin", body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.problems).toContainEqual({ field, rule });
    expect(await bff.database.kysely.selectFrom("notification_subscription").select("id").execute()).toEqual([]);
  });

  it("PATCH changes enabled and events (audited with the values before); bad ids are 400 naming id, unknown ones 404", async () => {
    const created = (await create("admin", webhook())).body.subscription;
    const res = await request(bff.app).patch(`/api/notifications/subscriptions/${created.id}`).set("authorization", as("admin")).send({ enabled: false, events: ["drift.found"] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: created.id, enabled: false, events: ["drift.found"] });
    const changed = (await listAuditEvents(bff.database.kysely)).filter((e) => e.action === "notification.subscription-changed").at(-1);
    expect(changed?.details).toMatchObject({ subscriptionId: created.id, enabled: false, events: ["drift.found"], before: { enabled: true, events: ["request.opened", "request.expired"] } });

    const badId = await request(bff.app).patch("/api/notifications/subscriptions/not-an-id").set("authorization", as("admin")).send({ enabled: true });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.problems).toEqual([{ field: "id", rule: "must be a subscription id (a UUID)" }]);
    const unknown = await request(bff.app).patch("/api/notifications/subscriptions/00000000-0000-4000-8000-00000000dead").set("authorization", as("admin")).send({ enabled: true });
    expect(unknown.status).toBe(404);
    const badBody = await request(bff.app).patch(`/api/notifications/subscriptions/${created.id}`).set("authorization", as("admin")).send({ events: [] });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.details.problems).toEqual([{ field: "events", rule: "must be at least 1" }]);
  });

  it("a test queues a `test` delivery (202) shown in the delivery log; DELETE (204) removes the subscription and its waiting deliveries are not sent", async () => {
    const created = (await create("admin", webhook())).body.subscription;
    const queued = await request(bff.app).post(`/api/notifications/subscriptions/${created.id}/test`).set("authorization", as("admin"));
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    expect(queued.body).toMatchObject({ subscriptionId: created.id, subscriptionName: "SOC webhook", kind: "webhook", targetDisplay: "https://hooks.example.com/…", event: "test", status: "pending", attempts: 0, lastError: null });

    const log = await request(bff.app).get(`/api/notifications/deliveries?status=pending&subscriptionId=${created.id}`).set("authorization", as("admin"));
    expect(log.status).toBe(200);
    expect(log.body.items.map((d: { id: string }) => d.id)).toEqual([queued.body.id]);
    expect(JSON.stringify(log.body)).not.toContain(secretPath);
    const badFilter = await request(bff.app).get("/api/notifications/deliveries?subscriptionId=x").set("authorization", as("admin"));
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error.details.problems).toEqual([{ field: "subscriptionId", rule: "must be a subscription id (a UUID)" }]);

    const removed = await request(bff.app).delete(`/api/notifications/subscriptions/${created.id}`).set("authorization", as("admin"));
    expect(removed.status).toBe(204);
    expect((await request(bff.app).get("/api/notifications/subscriptions").set("authorization", as("admin"))).body.items).toEqual([]);
    const after = await request(bff.app).get("/api/notifications/deliveries").set("authorization", as("admin"));
    expect(after.body.items).toMatchObject([{ id: queued.body.id, status: "failed", lastError: "not sent: the subscription was removed", nextAttemptAt: null }]);
    expect((await listAuditEvents(bff.database.kysely)).filter((e) => e.action === "notification.subscription-removed").at(-1)?.details).toMatchObject({ subscriptionId: created.id, name: "SOC webhook" });
    expect((await request(bff.app).delete(`/api/notifications/subscriptions/${created.id}`).set("authorization", as("admin"))).status).toBe(404);
  });

  it.each(["dev", "approver", "auditor"])("%s (not an Admin) is refused every write (403) and nothing changes", async (user) => {
    const created = (await create("admin", webhook())).body.subscription;
    const calls = [
      create(user, webhook()),
      request(bff.app).patch(`/api/notifications/subscriptions/${created.id}`).set("authorization", as(user)).send({ enabled: false }),
      request(bff.app).delete(`/api/notifications/subscriptions/${created.id}`).set("authorization", as(user)),
      request(bff.app).post(`/api/notifications/subscriptions/${created.id}/test`).set("authorization", as(user)),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe("Missing permission jit.notifications.write at any scope");
    }
    expect(await bff.database.kysely.selectFrom("notification_subscription").select(["id", "enabled"]).execute()).toEqual([{ id: created.id, enabled: true }]);
    expect(await bff.database.kysely.selectFrom("notification_outbox").select("id").execute()).toEqual([]);
  });

  it("an Auditor cannot read subscriptions or deliveries (Admin only)", async () => {
    for (const url of ["/api/notifications/subscriptions", "/api/notifications/deliveries"]) {
      const res = await request(bff.app).get(url).set("authorization", as("auditor"));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe("Missing permission jit.notifications.read at any scope");
    }
  });

  it("an Admin of one resource group manages subscriptions there only, and sees only theirs", async () => {
    const tenantWide = (await create("admin", webhook({ name: "tenant" }))).body.subscription;
    const other = (await create("admin", webhook({ name: "app tier", scope: appRg }))).body.subscription;
    const mine = await create("reader", webhook({ name: "web tier", scope: webRg.toUpperCase() }));
    expect(mine.status, JSON.stringify(mine.body)).toBe(201);
    expect(mine.body.subscription.scope).toBe(webRg.toLowerCase());

    for (const scope of ["/", prodSub, appRg]) {
      const refused = await create("reader", webhook({ scope }));
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(`Missing permission jit.notifications.write at scope ${scope.toLowerCase()}`);
    }
    const list = await request(bff.app).get("/api/notifications/subscriptions").set("authorization", as("reader"));
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(["web tier"]);
    // Another scope's subscription is not disclosed.
    expect((await request(bff.app).patch(`/api/notifications/subscriptions/${other.id}`).set("authorization", as("reader")).send({ enabled: false })).status).toBe(404);
    expect((await request(bff.app).post(`/api/notifications/subscriptions/${tenantWide.id}/test`).set("authorization", as("reader"))).status).toBe(404);

    await request(bff.app).post(`/api/notifications/subscriptions/${tenantWide.id}/test`).set("authorization", as("admin"));
    const ownTest = await request(bff.app).post(`/api/notifications/subscriptions/${mine.body.subscription.id}/test`).set("authorization", as("reader"));
    expect(ownTest.status).toBe(202);
    const log = await request(bff.app).get("/api/notifications/deliveries").set("authorization", as("reader"));
    expect(log.body.items.map((d: { id: string }) => d.id)).toEqual([ownTest.body.id]);
    expect((await request(bff.app).get("/api/notifications/deliveries").set("authorization", as("admin"))).body.items).toHaveLength(2);
  });
});
