import type { ActivityEvent } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demo } from "../test-support/policies.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, recordLegacyEvents, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { csvColumns } from "./export.ts";

const dev = { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e02", name: "Dana Developer", ip: "203.0.113.2" };
const admin = { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e01", name: "Alex Admin", ip: null };
const bulk = 2_345;

/** CSV and JSON-lines exports: the current filter, streamed in batches, safe to open in a spreadsheet. */
describe("GET /api/activity/export.csv and export.jsonl", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let auditor: string;
  let requester: string;
  let formulaId: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    auditor = `Bearer ${await signInAs(bff, "auditor@contoso.test")}`;
    requester = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
    // More events than one database batch (1,000), so the export has to page through them.
    await bff.audit.recordAll(
      bff.database.kysely,
      Array.from({ length: bulk }, (_, i) => ({ actor: admin, action: "policy.edited" as const, outcome: "success" as const, vmId: demo.app01, details: { previousVersion: i }, correlationId: `bulk-${i}` })),
    );
    // As an older release wrote them (string ports, partial payloads): read by the legacy reader.
    [formulaId] = await recordLegacyEvents(bff.database.kysely, [{
      actor: dev,
      action: "request.created",
      outcome: "success",
      vmId: demo.web01,
      details: { vmName: "vm-prod-web-01", ports: ["22/TCP", "3389/TCP"], sources: ["203.0.113.2/32"], durationMinutes: 30, justification: '=HYPERLINK("x")' },
      correlationId: "req-formula",
    }]) as [string];
    await recordLegacyEvents(bff.database.kysely, [{ actor: dev, action: "request.failed", outcome: "failure", vmId: demo.web01, error: "-1 rules, @fault\ton NSG", details: { justification: "+cmd|' /C calc'!A0" } }]);
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  it("writes a header and a formula-looking justification as text, with a leading ' and quotes doubled", async () => {
    const res = await request(bff.app).get("/api/activity/export.csv").query({ correlationId: "req-formula" }).set("authorization", auditor);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="activity-\d{8}T\d{6}Z\.csv"$/);
    const [header, row, end, ...rest] = res.text.split("\n");
    expect(header).toBe(csvColumns.join(","));
    expect(rest).toEqual([]);
    expect(end).toBe("");
    expect(row).toContain(`,"'=HYPERLINK(""x"")",`);
    expect(row).toContain(`,${formulaId},request.created,success,${dev.oid},Dana Developer,203.0.113.2,${demo.web01.toLowerCase()},vm-prod-web-01,22/TCP 3389/TCP,203.0.113.2/32,30,`);
    expect(row).toContain(`""vmName"":""vm-prod-web-01""`);
  });

  it("neutralises every cell a spreadsheet would run: =, +, -, @, tab and CR at the start", async () => {
    const res = await request(bff.app).get("/api/activity/export.csv").query({ action: "request.failed" }).set("authorization", auditor);
    const row = res.text.split("\n")[1] ?? "";
    expect(row).toContain(`,'+cmd|' /C calc'!A0,`);
    expect(row).toContain(`,"'-1 rules, @fault\ton NSG",`);
  });

  it("exports every event of the filter, newest first, across database batches", async () => {
    const csv = await request(bff.app).get("/api/activity/export.csv").query({ action: "policy.edited" }).set("authorization", auditor);
    const lines = csv.text.trimEnd().split("\n");
    expect(lines).toHaveLength(bulk + 1);
    expect(lines[1]).toContain(",bulk-2344,");
    expect(lines.at(-1)).toContain(",bulk-0,");

    const jsonl = await request(bff.app).get("/api/activity/export.jsonl").query({ action: "policy.edited" }).set("authorization", auditor);
    expect(jsonl.headers["content-type"]).toBe("application/x-ndjson; charset=utf-8");
    expect(jsonl.text.endsWith("\n")).toBe(true);
    const events = jsonl.text.trimEnd().split("\n").map((line) => JSON.parse(line) as ActivityEvent);
    expect(events).toHaveLength(bulk);
    expect(events.map((e) => e.details["previousVersion"])).toEqual(Array.from({ length: bulk }, (_, i) => bulk - 1 - i));
    expect(new Set(events.map((e) => e.id)).size).toBe(bulk);
  });

  it("gives JSON lines one whole event per line, even with newlines in the justification", async () => {
    await recordLegacyEvents(bff.database.kysely, [{ actor: dev, action: "request.denied", outcome: "success", vmId: demo.web01, details: { justification: "line one\nline two" } }]);
    const res = await request(bff.app).get("/api/activity/export.jsonl").query({ action: "request.denied" }).set("authorization", auditor);
    const lines = res.text.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ action: "request.denied", justification: "line one\nline two", actor: dev });
  });

  it("exports only what the caller may read: a Requester gets their own events", async () => {
    const res = await request(bff.app).get("/api/activity/export.jsonl").set("authorization", requester);
    const events = res.text.trimEnd().split("\n").map((line) => JSON.parse(line) as ActivityEvent);
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.every((e) => e.actor.oid === dev.oid)).toBe(true);
  });

  it("answers an empty filter with the header only, and an empty JSON-lines body", async () => {
    const csv = await request(bff.app).get("/api/activity/export.csv").query({ correlationId: "nothing" }).set("authorization", auditor);
    expect(csv.text).toBe(`${csvColumns.join(",")}\n`);
    const jsonl = await request(bff.app).get("/api/activity/export.jsonl").query({ correlationId: "nothing" }).set("authorization", auditor);
    expect(jsonl.status).toBe(200);
    expect(jsonl.text).toBe("");
  });
});
