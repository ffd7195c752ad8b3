import { describe, expect, it } from "vitest";
import { csvRecord, csvSafe } from "./export.ts";
import { toActivityEvent, type EventRow } from "./event-mapping.ts";

const row: EventRow = {
  seq: "42",
  id: "8c0f6f8e-1d0e-4a53-9d6f-5e7b3a9c1d20",
  at: new Date("2026-03-01T10:11:12.345Z"),
  actor_oid: "oid-1",
  actor_name: "Dana Developer",
  actor_ip: "203.0.113.2",
  action: "request.created",
  outcome: "success",
  vm_id: "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-1",
  vm_name: null,
  details: {},
  error: null,
  correlation_id: "req-1",
  hash: "ab".repeat(32),
};

describe("activity events from stored rows", () => {
  it.each([
    ["request shape", { ports: ["22/TCP"], sources: ["203.0.113.2/32"], durationMinutes: 90, justification: "patch" }, { ports: ["22/TCP"], sources: ["203.0.113.2/32"], durationMinutes: 90, justification: "patch" }],
    ["request body ports", { ports: [{ port: 3389, protocol: "TCP" }, { port: 22 }] }, { ports: ["3389/TCP", "22"], sources: [], durationMinutes: null, justification: null }],
    [
      "policy ports",
      { ports: [{ port: 22, protocol: "Any", allowedSources: { kind: "per-request" } }, { port: 3389, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["10.0.0.0/8"] } }] },
      { ports: ["22/Any", "3389/TCP"], sources: ["Per request", "10.0.0.0/8"] },
    ],
    ["nonsense", { ports: "22", sources: [1, "x"], durationMinutes: "60", justification: 5 }, { ports: [], sources: ["x"], durationMinutes: null, justification: null }],
  ])("reads the %s from details", (_what, details, expected) => {
    expect(toActivityEvent({ ...row, details })).toMatchObject(expected);
  });

  it.each([
    ["a request's typed payload", "request.created", { ports: [{ port: 22, protocol: "TCP" }, { port: 3389 }], sources: ["203.0.113.2/32"], durationMinutes: 90, justification: "patch", approvalRequired: true }, { ports: ["22/TCP", "3389"], sources: ["203.0.113.2/32"], durationMinutes: 90, justification: "patch" }],
    [
      "a policy's typed payload",
      "policy.edited",
      { ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }, { port: 3389, protocol: "TCP", allowedSources: { kind: "any" }, maxRequestDuration: "PT1H" }], previousVersion: 2 },
      { ports: ["22/TCP", "3389/TCP"], sources: ["Per request", "Any"], durationMinutes: null, justification: null },
    ],
    ["a typed payload without ports", "rbac.assignment-added", { principalType: "User", principalId: "oid-2", principalName: "Riley", role: "Auditor", scope: "/" }, { ports: [], sources: [], durationMinutes: null, justification: null }],
    ["an application's event", "request.expired", { ports: [{ port: 22, protocol: "TCP" }], sources: ["10.0.0.4/32"], durationMinutes: 30, actorKind: "application" }, { ports: ["22/TCP"], actor: { kind: "application" } }],
  ])("reads %s by its action's schema", (_what, action, details, expected) => {
    expect(toActivityEvent({ ...row, action, details })).toMatchObject(expected);
  });

  it("names the VM from the id when the event did not record a name, and keeps the time to the millisecond in UTC", () => {
    expect(toActivityEvent(row)).toMatchObject({ seq: 42, vmName: "vm-1", at: "2026-03-01T10:11:12.345Z", actor: { oid: "oid-1", name: "Dana Developer", ip: "203.0.113.2" } });
    expect(toActivityEvent({ ...row, vm_id: null }).vmName).toBeNull();
    expect(toActivityEvent({ ...row, vm_name: "VM-1" }).vmName).toBe("VM-1");
  });

  it.each([
    ["=1+1", "'=1+1"],
    ["+SUM(A1)", "'+SUM(A1)"],
    ["-2", "'-2"],
    ["@cmd", "'@cmd"],
    ["\tx", "'\tx"],
    ["\rx", "'\rx"],
    ["a=1", "a=1"],
    ["", ""],
  ])("makes the cell %j safe as %j", (cell, safe) => {
    expect(csvSafe(cell)).toBe(safe);
  });

  it("lays an event out in the CSV columns", () => {
    const event = toActivityEvent({ ...row, details: { ports: ["22/TCP", "80/TCP"], justification: "=x" }, error: "@boom" });
    const record = csvRecord(event);
    expect(record).toHaveLength(18);
    expect(record.slice(0, 5)).toEqual(["2026-03-01T10:11:12.345Z", "42", row.id, "request.created", "success"]);
    expect(record.slice(10, 15)).toEqual(["22/TCP 80/TCP", "", "", "'=x", "'@boom"]);
  });
});
