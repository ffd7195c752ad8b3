import { randomUUID } from "node:crypto";
import { freeTextRules } from "@portcullis/core";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInAs } from "../../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../../test-support/stack.ts";
import { listAuditEvents } from "../audit/audit-events.ts";

/**
 * Free text that reaches the activity log or notifications follows the justification's rules: a comment or name
 * with bidirectional controls, zero-width or control characters is a 400 naming the field and the rule, and
 * nothing is stored.
 */
describe("free text in comments and names", () => {
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

  const texts = [
    ["a right-to-left override", "ok \u202Edeifirev", freeTextRules.bidi],
    ["a first-strong isolate", "ok \u2068x\u2069", freeTextRules.bidi],
    ["an Arabic letter mark", "ok\u061C", freeTextRules.bidi],
    ["a zero-width joiner", "app\u200Droved", freeTextRules.zeroWidth],
    ["a byte-order mark inside", "ok\uFEFFok", freeTextRules.zeroWidth],
    ["a bell", "ok\u0007", freeTextRules.control],
  ] as const;

  const sends = [
    ["the approve comment", "comment", () => request(bff.app).post(`/api/access-requests/${randomUUID()}/approve`), (text: string) => ({ comment: text })],
    ["the deny comment", "comment", () => request(bff.app).post(`/api/access-requests/${randomUUID()}/deny`), (text: string) => ({ comment: text })],
    ["the break-glass review comment", "comment", () => request(bff.app).post(`/api/access-requests/${randomUUID()}/review`), (text: string) => ({ comment: text })],
    [
      "a role assignment's principal name",
      "principalName",
      () => request(bff.app).post("/api/rbac/assignments"),
      (text: string) => ({ principalType: "user", principalId: randomUUID(), principalName: text, role: "Auditor", scope: "/" }),
    ],
    [
      "a notification subscription's name",
      "name",
      () => request(bff.app).post("/api/notifications/subscriptions"),
      (text: string) => ({ name: text, kind: "webhook", url: "http://127.0.0.1:9/hook", scope: "/", events: ["request.opened"] }),
    ],
  ] as const;

  describe.each(sends.map(([what, field, call, body]) => [what, { field, call, body }] as const))("%s", (_what, { field, call, body }) => {
    it.each(texts.map(([what, text, rule]) => [what, text, rule] as const))("When it holds %s, then the answer is 400 naming the field and the rule, and nothing is stored", async (_text, text, rule) => {
      const auditBefore = (await listAuditEvents(bff.database.kysely)).length;
      const assignmentsBefore = await bff.assignments.count();
      const res = await call().set("authorization", admin).send(body(text));
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toEqual({ error: { code: "BadRequest", message: `${field}: ${rule}`, details: { problems: [{ field, rule }] } } });
      expect((await listAuditEvents(bff.database.kysely)).length).toBe(auditBefore);
      expect(await bff.assignments.count()).toBe(assignmentsBefore);
    });
  });

  it("When a comment or name is plain text in any script, then it is accepted", async () => {
    const assignment = await request(bff.app)
      .post("/api/rbac/assignments")
      .set("authorization", admin)
      .send({ principalType: "user", principalId: randomUUID(), principalName: "שלום Ålesund 🔑", role: "Auditor", scope: "/" });
    expect(assignment.status, JSON.stringify(assignment.body)).toBe(201);
    const subscription = await request(bff.app)
      .post("/api/notifications/subscriptions")
      .set("authorization", admin)
      .send({ name: "Équipe sécurité – مرحبا", kind: "webhook", url: "http://127.0.0.1:9/hook", scope: "/", events: ["request.opened"] });
    expect(subscription.status, JSON.stringify(subscription.body)).toBe(201);
  });
});
