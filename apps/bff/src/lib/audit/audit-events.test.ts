import { activityActions } from "@portcullis/contract";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { testEngines } from "../../test-support/db-engines.ts";
import { testAudit } from "../../test-support/audit.ts";
import { auditActions, listAuditEvents } from "./audit-events.ts";

describe("audit actions", () => {
  it("are exactly the actions the activity log's contract lists, so every event can be shown and filtered", () => {
    expect([...auditActions]).toEqual([...activityActions]);
  });
});

const actor = { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e01", name: "Alex Admin", ip: "203.0.113.9" };
const vmId = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM-1";

describe.each(testEngines)("the audit trail on $name", (engine) => {
  let database: Database;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ database, cleanup } = await engine.open());
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it("records events in the order they were written, with who, what, where and why", async () => {
    await testAudit.record(database.kysely, { actor, action: "policy.enabled", outcome: "success", vmId, details: { previousVersion: 22 }, correlationId: "req-1" });
    await testAudit.recordAll(database.kysely, [
      { actor, action: "policy.edited", outcome: "failure", vmId, details: {}, error: "Writing NSG nsg-1 failed", correlationId: "req-2" },
      { actor: { ...actor, ip: null }, action: "policy.removed", outcome: "success", vmId, details: {}, correlationId: "req-2" },
    ]);
    const events = await listAuditEvents(database.kysely, { vmId });
    expect(events.map((e) => [e.action, e.outcome, e.correlationId])).toEqual([
      ["policy.enabled", "success", "req-1"],
      ["policy.edited", "failure", "req-2"],
      ["policy.removed", "success", "req-2"],
    ]);
    expect(events[0]).toMatchObject({ actor, vmId: vmId.toLowerCase(), details: { previousVersion: 22 }, error: null });
    expect(events[1]?.error).toBe("Writing NSG nsg-1 failed");
    expect(events[0]?.at).toBeInstanceOf(Date);
    expect(await listAuditEvents(database.kysely, { correlationId: "req-2" })).toHaveLength(2);
  });

  it.each([
    ["UPDATE", sql`update audit_event set outcome = 'success'`],
    ["DELETE", sql`delete from audit_event`],
    ["TRUNCATE", sql`truncate audit_event`],
  ])("refuses %s: the table is append-only", async (operation, statement) => {
    await testAudit.record(database.kysely, { actor, action: "policy.enabled", outcome: "failure", vmId, details: {} });
    const before = (await listAuditEvents(database.kysely)).length;
    await expect(statement.execute(database.kysely)).rejects.toThrow(new RegExp(`append-only: ${operation} is not allowed`));
    expect(await listAuditEvents(database.kysely)).toHaveLength(before);
  });
});
