import { Writable } from "node:stream";
import { demoUsers } from "@portcullis/local-issuer";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demo, ssh } from "../../test-support/policies.ts";
import { signInAs } from "../../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../../test-support/stack.ts";
import { listAuditEvents } from "../audit/audit-events.ts";
import { createLogger } from "../logger.ts";

const junk = "<img src=x onerror=alert(1)>";
const admin = demoUsers.find((u) => u.username === "admin@contoso.test");

/**
 * Who called and from where, as the audit trail and the request log record it: the address is core's
 * `resolveClientIp` through TRUST_PROXY everywhere (never Express's req.ip), and every log line names the caller.
 */
describe("the caller's identity and address", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let token: string;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line.trim() !== "") logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    // The loopback proxy (supertest's peer) is trusted, so X-Forwarded-For is read, as behind a real proxy.
    bff = await assembleTestBff(emulator, { env: { TRUST_PROXY: "loopback" }, logger: createLogger("info", sink) });
    token = await signInAs(bff, "admin@contoso.test");
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  let assignments = 0;
  const writes = [
    {
      name: "a policy change",
      action: "policy.enabled",
      send: (forwardedFor: string) => request(bff.app).put("/api/policies").set("authorization", `Bearer ${token}`).set("x-forwarded-for", forwardedFor).send({ vmIds: [demo.web01], ports: [ssh] }),
    },
    {
      name: "a role assignment",
      action: "rbac.assignment-added",
      send: (forwardedFor: string) =>
        request(bff.app)
          .post("/api/rbac/assignments")
          .set("authorization", `Bearer ${token}`)
          .set("x-forwarded-for", forwardedFor)
          .send({ principalType: "user", principalId: `ip-test ${(assignments += 1)}`, principalName: "IP Test", role: "Auditor", scope: "/" }),
    },
    {
      name: "a notification subscription",
      action: "notification.subscription-added",
      send: (forwardedFor: string) =>
        request(bff.app)
          .post("/api/notifications/subscriptions")
          .set("authorization", `Bearer ${token}`)
          .set("x-forwarded-for", forwardedFor)
          .send({ name: "ip test", kind: "webhook", url: "http://127.0.0.1:9/hook", scope: "/", events: ["request.opened"] }),
    },
  ];

  it.each(writes.map((w) => [w.name, w] as const))(
    "When %s comes through a trusted proxy with a junk X-Forwarded-For, then its audit event carries the proxy's (peer's) address, never the junk",
    async (_name, write) => {
      const res = await write.send(junk);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      const events = await listAuditEvents(bff.database.kysely, { correlationId: res.headers["x-request-id"] ?? "none" });
      expect(events.map((e) => e.action)).toContain(write.action);
      for (const event of events) expect(event.actor.ip).toBe("127.0.0.1");
      expect(JSON.stringify(events)).not.toContain("<img");
    },
  );

  it.each(writes.map((w) => [w.name, w] as const))("When %s comes through a trusted proxy naming a real client, then its audit event carries that client", async (_name, write) => {
    const res = await write.send("198.51.100.23, 203.0.113.50");
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    const events = await listAuditEvents(bff.database.kysely, { correlationId: res.headers["x-request-id"] ?? "none" });
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(event.actor.ip).toBe("203.0.113.50");
  });

  it("When My IP is asked with a junk X-Forwarded-For, then it is the peer, as for the audit trail", async () => {
    const res = await request(bff.app).get("/api/requests/my-ip").set("authorization", `Bearer ${token}`).set("x-forwarded-for", junk);
    expect(res.body).toEqual({ ip: "127.0.0.1" });
  });

  it("When a signed-in user calls, then the request's log line names them (oid and tenant) and holds no token", async () => {
    logLines.length = 0;
    const res = await request(bff.app).get("/api/me").set("authorization", `Bearer ${token}`);
    const anonymous = await request(bff.app).get("/api/auth/config");
    const line = logLines.find((l) => (l["req"] as { id?: unknown } | undefined)?.id === res.headers["x-request-id"] && l["msg"] === "request completed");
    expect(line?.["caller"]).toEqual({ oid: admin?.oid, tid: res.body.user.tenantId });
    const anonymousLine = logLines.find((l) => (l["req"] as { id?: unknown } | undefined)?.id === anonymous.headers["x-request-id"]);
    expect(anonymousLine).toBeDefined();
    expect(anonymousLine?.["caller"]).toBeUndefined();
    const [, payload = "", signature = ""] = token.split(".");
    for (const part of [token, payload, signature]) expect(JSON.stringify(logLines)).not.toContain(part);
  });

  it("When a signed-in user is refused (403), then the log line names them too", async () => {
    const reader = await signInAs(bff, "reader@contoso.test");
    logLines.length = 0;
    const res = await request(bff.app).post("/api/inventory/refresh").set("authorization", `Bearer ${reader}`);
    expect(res.status).toBe(403);
    const line = logLines.find((l) => (l["req"] as { id?: unknown } | undefined)?.id === res.headers["x-request-id"]);
    expect(line?.["caller"]).toEqual({ oid: demoUsers.find((u) => u.username === "reader@contoso.test")?.oid, tid: expect.any(String) });
    expect(line?.["res"]).toEqual({ statusCode: 403 });
  });
});
