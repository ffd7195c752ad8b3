import type { ActivityEvent, ActivityPageResponse } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demo } from "../test-support/policies.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, recordLegacyEvents, startTestEmulator, type InProcessBff, type LegacyAuditEventInput, type TestEmulator } from "../test-support/stack.ts";

const users = {
  admin: { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e01", name: "Alex Admin", ip: "203.0.113.1" },
  dev: { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e02", name: "Dana Developer", ip: "203.0.113.2" },
  approver: { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e03", name: "Avery Approver", ip: null },
};
const readerOid = "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e05";

/** Reading the log: filters, paging, who sees what, and input refused with a 400 naming the parameter. */
describe("GET /api/activity", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const auth: Record<"admin" | "auditor" | "dev" | "reader" | "approver", string> = { admin: "", auditor: "", dev: "", reader: "", approver: "" };
  const seeded: Array<{ input: LegacyAuditEventInput; id: string }> = [];
  let middle: Date;

  // Rows as an older release wrote them (string ports, partial payloads): the legacy reader reads them.
  const record = async (input: LegacyAuditEventInput) => seeded.push({ input, id: (await recordLegacyEvents(bff.database.kysely, [input]))[0] as string });
  const get = async (who: keyof typeof auth, query: Record<string, string | number> = {}) => request(bff.app).get("/api/activity").query(query).set("authorization", auth[who]);
  const list = async (who: keyof typeof auth, query: Record<string, string | number> = {}): Promise<ActivityEvent[]> => {
    const res = await get(who, query);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return (res.body as ActivityPageResponse).items;
  };
  const idsOf = (events: ActivityEvent[]) => events.map((e) => e.id);
  /** Seeded ids matching `keep`, newest first (as the log lists them). */
  const expected = (keep: (input: LegacyAuditEventInput) => boolean) => seeded.filter((s) => keep(s.input)).map((s) => s.id).reverse();

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    for (const who of Object.keys(auth) as Array<keyof typeof auth>) auth[who] = `Bearer ${await signInAs(bff, `${who}@contoso.test`)}`;
    await bff.database.kysely.deleteFrom("role_assignment").where("principal_id", "=", readerOid).execute();
    await record({ actor: users.admin, action: "policy.enabled", outcome: "success", vmId: demo.app01, details: { ports: ["22/TCP"] }, correlationId: "corr-a" });
    await record({ actor: users.dev, action: "request.created", outcome: "success", vmId: demo.web01, details: { vmName: "vm-prod-web-01", ports: ["22/TCP"], sources: ["203.0.113.2/32"], durationMinutes: 60, justification: "Deploy hotfix INC-4711" }, correlationId: "corr-b" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    middle = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await record({ actor: users.approver, action: "request.approved", outcome: "success", vmId: demo.web01, details: { requester: { oid: users.dev.oid, name: users.dev.name } }, correlationId: "corr-c" });
    await record({ actor: users.dev, action: "request.opened", outcome: "failure", vmId: demo.web01, error: "NSG busy", correlationId: "corr-b" });
    await record({ actor: users.admin, action: "rbac.assignment-added", outcome: "success", details: { role: "Auditor", scope: "/" }, correlationId: "corr-d" });
    await record({ actor: users.dev, action: "request.created", outcome: "success", vmId: demo.app01, details: { justification: "<img src=x onerror=alert(1)> patching" }, correlationId: "corr-e" });
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  it("lists every event, newest first, with the fields the log shows", async () => {
    const events = await list("auditor");
    expect(idsOf(events)).toEqual(expected(() => true));
    expect(events.find((e) => e.action === "request.created" && e.vmName === "vm-prod-web-01")).toMatchObject({
      actor: users.dev,
      vmId: demo.web01.toLowerCase(),
      ports: ["22/TCP"],
      sources: ["203.0.113.2/32"],
      durationMinutes: 60,
      justification: "Deploy hotfix INC-4711",
      outcome: "success",
      correlationId: "corr-b",
    });
    expect(events.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.at))).toBe(true);
  });

  it.each<[string, Record<string, string>, (input: LegacyAuditEventInput) => boolean]>([
    ["a VM (any letter case)", { vmId: demo.web01.toUpperCase() }, (i) => i.vmId === demo.web01],
    ["a user", { userId: users.dev.oid }, (i) => i.actor === users.dev],
    ["an action", { action: "request.created" }, (i) => i.action === "request.created"],
    ["an outcome", { outcome: "failure" }, (i) => i.outcome === "failure"],
    ["a correlation id", { correlationId: "corr-b" }, (i) => i.correlationId === "corr-b"],
    ["a word of a justification, as a prefix", { q: "hotfi" }, (i) => i.details?.["justification"] === "Deploy hotfix INC-4711"],
    ["a ticket number", { q: "INC-4711" }, (i) => i.details?.["justification"] === "Deploy hotfix INC-4711"],
    ["a VM name", { q: "vm-prod-app-01" }, (i) => i.vmId === demo.app01],
    ["an actor's name", { q: "avery" }, (i) => i.actor === users.approver],
  ])("filters by %s", async (_what, query, keep) => {
    expect(idsOf(await list("auditor", query))).toEqual(expected(keep));
  });

  it("filters by a time range, each end inclusive, combined with an action", async () => {
    const after = await list("auditor", { from: middle.toISOString() });
    expect(idsOf(after)).toEqual(expected((i) => i.correlationId !== "corr-a" && !(i.action === "request.created" && i.vmId === demo.web01)));
    const before = await list("auditor", { to: middle.toISOString(), action: "request.created" });
    expect(idsOf(before)).toEqual(expected((i) => i.action === "request.created" && i.vmId === demo.web01));
    const newest = after[0] as ActivityEvent;
    expect(idsOf(await list("auditor", { from: newest.at, to: newest.at }))).toEqual([newest.id]);
  });

  it("pages with a cursor through every event exactly once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get("auditor", { pageSize: 2, ...(cursor === null ? {} : { cursor }) });
      const page = res.body as ActivityPageResponse;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...idsOf(page.items));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expected(() => true));
  });

  it("shows a Requester only their own events, including their own failures", async () => {
    expect(idsOf(await list("dev"))).toEqual(expected((i) => i.actor === users.dev));
    expect(idsOf(await list("dev", { userId: users.admin.oid }))).toEqual([]);
  });

  it("shows an Auditor scoped to a resource group only the events of its VMs, and no role changes", async () => {
    expect((await get("reader")).status).toBe(403);
    const created = await bff.assignments.create({
      principalType: "user",
      principalId: readerOid,
      principalName: "Riley Reader",
      role: "Auditor",
      scope: demo.web01.replace(/\/providers\/.*$/, ""),
      createdBy: { oid: "t", name: "test" },
    });
    try {
      expect(idsOf(await list("reader"))).toEqual(expected((i) => i.vmId === demo.web01));
    } finally {
      await bff.assignments.delete(created?.id ?? "");
    }
  });

  it.each(["reader", "approver"] as const)("refuses %s@contoso.test, who neither audits nor requests, with 403", async (who) => {
    const res = await get(who);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe("Missing permission jit.activity.read or jit.request.create at any scope");
  });

  it.each([
    [{ from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, "from", "must not be after to"],
    [{ from: "yesterday" }, "from", ""],
    [{ to: "2026-13-01T00:00:00Z" }, "to", ""],
    [{ action: "request.teleported" }, "action", "must be one of policy.enabled"],
    [{ outcome: "maybe" }, "outcome", "must be one of success, failure"],
    [{ pageSize: "201" }, "pageSize", "must be at most 200"],
    [{ pageSize: "0" }, "pageSize", "must be at least 1"],
    [{ pageSize: "ten" }, "pageSize", ""],
    [{ cursor: "not-a-cursor" }, "cursor", "is not a cursor from a previous page"],
    [{ cursor: Buffer.from("2026-01-01T00:00:00.000Z|1; drop table audit_event").toString("base64url") }, "cursor", "is not a cursor"],
    [{ q: "!!!" }, "q", "must contain a letter or a digit"],
  ])("answers %o with 400 naming %s", async (query, field, rule) => {
    for (const path of ["/api/activity", "/api/activity/export.csv", "/api/activity/export.jsonl"]) {
      const res = await request(bff.app).get(path).query(query).set("authorization", auth.auditor);
      expect(res.status, path).toBe(400);
      expect(res.body.error.message).toMatch(new RegExp(`^${field}: `));
      expect(res.body.error.message).toContain(rule);
    }
  });
});
