import { ApprovalSettingsSchema, type ApprovalSettings } from "@portcullis/contract";
import { describe, expect, it } from "vitest";
import { approvedGrantWindow, decisionRefusal, isInApproverSet, needsApproval, requestLapsesAt, tallyDecisions, type DecidableRequest, type Decider } from "./approvals.ts";

function rule(overrides: Partial<ApprovalSettings> = {}): ApprovalSettings {
  return ApprovalSettingsSchema.parse({ requiredApprovals: 2, approvers: { roleHolders: true }, ...overrides });
}

const tenant = "t-1";
const approverA: Decider = { oid: "a-oid", tenantId: tenant, groups: [], holdsApproverRole: true };
const approverB: Decider = { oid: "b-oid", tenantId: tenant, groups: [], holdsApproverRole: true };
const requester: Decider = { oid: "r-oid", tenantId: tenant, groups: [], holdsApproverRole: true };
const now = new Date("2026-11-24T12:00:00Z");

function pending(overrides: Partial<DecidableRequest> = {}): DecidableRequest {
  return { status: "pending", requesterOid: "r-oid", expiresAt: new Date("2026-11-25T12:00:00Z"), decisions: [], rule: rule(), ...overrides };
}

describe("needsApproval", () => {
  const ports = [
    { port: 22, protocol: "TCP" as const },
    { port: 3389, protocol: "TCP" as const, requireApproval: false },
  ];

  it("is false without an approval rule, whatever the ports say", () => {
    expect(needsApproval(null, ports, [{ port: 22, protocol: "TCP" }])).toBe(false);
    expect(needsApproval(undefined, ports, [{ port: 22, protocol: "TCP" }])).toBe(false);
  });

  it("follows each requested port's switch; a mix waits as a whole", () => {
    expect(needsApproval(rule(), ports, [{ port: 22, protocol: "TCP" }])).toBe(true);
    expect(needsApproval(rule(), ports, [{ port: 3389, protocol: "TCP" }])).toBe(false);
    expect(needsApproval(rule(), ports, [{ port: 3389, protocol: "TCP" }, { port: 22, protocol: "TCP" }])).toBe(true);
  });
});

describe("isInApproverSet", () => {
  it("admits role holders only when the set names them", () => {
    expect(isInApproverSet(rule().approvers, approverA)).toBe(true);
    expect(isInApproverSet(rule({ approvers: { roleHolders: false, users: ["someone"], groups: [] } }).approvers, approverA)).toBe(false);
  });

  it("matches named users by object id, and groups, case-insensitively; never by a user name", () => {
    const set = rule({ approvers: { roleHolders: false, users: ["B-OID", "approver@contoso.test"], groups: ["Ops-Group"] } }).approvers;
    expect(isInApproverSet(set, { ...approverB, holdsApproverRole: false })).toBe(true);
    // A name left in `users` (saved before names were resolved) matches nobody, whoever carries that name today.
    expect(isInApproverSet(set, { ...approverA, holdsApproverRole: false })).toBe(false);
    expect(isInApproverSet(set, { oid: "g", tenantId: tenant, groups: ["ops-group"], holdsApproverRole: false })).toBe(true);
    expect(isInApproverSet(set, { oid: "n", tenantId: tenant, groups: ["other"], holdsApproverRole: true })).toBe(false);
  });

  it("matches a resolved named user on object id and tenant: the same object id from another tenant is not them", () => {
    const set = rule({ approvers: { roleHolders: false, users: ["b-oid"], named: [{ oid: "b-oid", tenantId: tenant, name: "Blake", username: "approver2@contoso.test" }], groups: [] } }).approvers;
    expect(isInApproverSet(set, { ...approverB, holdsApproverRole: false })).toBe(true);
    expect(isInApproverSet(set, { ...approverB, tenantId: "t-2", holdsApproverRole: false })).toBe(false);
    const unseen = rule({ approvers: { roleHolders: false, users: ["b-oid"], named: [{ oid: "b-oid", tenantId: null, name: "b-oid", username: null }], groups: [] } }).approvers;
    expect(isInApproverSet(unseen, { ...approverB, tenantId: "t-2", holdsApproverRole: false })).toBe(true);
  });
});

describe("decisionRefusal", () => {
  it("lets an approver in the set decide a pending request", () => {
    expect(decisionRefusal(pending(), approverA, now)).toBeNull();
  });

  it("refuses the same approver twice (409)", () => {
    const refusal = decisionRefusal(pending({ decisions: [{ approverOid: "A-OID", decision: "approve" }] }), approverA, now);
    expect(refusal).toMatchObject({ kind: "conflict", reason: "already-decided" });
  });

  it("refuses the requester's own approval unless the policy allows it (403)", () => {
    expect(decisionRefusal(pending(), requester, now)).toMatchObject({ kind: "forbidden", reason: "own-request", message: expect.stringContaining("own request") });
    expect(decisionRefusal(pending({ rule: rule({ allowSelfApproval: true }) }), requester, now)).toBeNull();
  });

  it("refuses someone outside the approver set (403)", () => {
    expect(decisionRefusal(pending(), { ...approverA, holdsApproverRole: false }, now)).toMatchObject({ kind: "forbidden", reason: "not-approver" });
  });

  it("refuses lapsed, cancelled and already decided requests (409)", () => {
    expect(decisionRefusal(pending({ expiresAt: now }), approverA, now)).toMatchObject({ kind: "conflict", reason: "lapsed" });
    expect(decisionRefusal(pending({ status: "cancelled" }), approverA, now)).toMatchObject({ kind: "conflict", reason: "not-pending", message: expect.stringContaining("cancelled") });
    expect(decisionRefusal(pending({ status: "lapsed" }), approverA, now)).toMatchObject({ kind: "conflict", reason: "not-pending", message: expect.stringContaining("lapsed") });
    expect(decisionRefusal(pending({ status: "opened" }), approverA, now)).toMatchObject({ kind: "conflict", reason: "not-pending" });
  });
});

describe("tallyDecisions: N of M", () => {
  it("needs N distinct approvals; one is not enough for two", () => {
    const r = rule({ requiredApprovals: 2 });
    expect(tallyDecisions(r, [{ approverOid: "a", decision: "approve" }])).toEqual({ approvals: 1, required: 2, remaining: 1, denied: false });
    expect(tallyDecisions(r, [{ approverOid: "a", decision: "approve" }, { approverOid: "A", decision: "approve" }])).toMatchObject({ approvals: 1, remaining: 1 });
    expect(tallyDecisions(r, [{ approverOid: "a", decision: "approve" }, { approverOid: "b", decision: "approve" }])).toMatchObject({ approvals: 2, remaining: 0 });
  });

  it("a single denial ends it", () => {
    expect(tallyDecisions(rule(), [{ approverOid: "a", decision: "approve" }, { approverOid: "b", decision: "deny" }]).denied).toBe(true);
  });
});

describe("clock: when requests lapse and grants start", () => {
  const createdAt = new Date("2026-11-24T10:00:00Z");

  it("lapses after maxWait; with the clock at request, no later than the requested time's end", () => {
    expect(requestLapsesAt(rule({ maxWait: "PT4H" }), createdAt, 60).toISOString()).toBe("2026-11-24T14:00:00.000Z");
    expect(requestLapsesAt(rule({ maxWait: "PT4H", clockStartsAt: "request" }), createdAt, 60).toISOString()).toBe("2026-11-24T11:00:00.000Z");
    expect(requestLapsesAt(rule({ maxWait: "PT30M", clockStartsAt: "request" }), createdAt, 60).toISOString()).toBe("2026-11-24T10:30:00.000Z");
  });

  it("clock at approval: the full duration from the last approval", () => {
    const window = approvedGrantWindow(rule(), { createdAt, durationMinutes: 60 }, new Date("2026-11-24T10:40:12.345Z"));
    expect(window).toEqual({ startsAt: new Date("2026-11-24T10:40:12Z"), endsAt: new Date("2026-11-24T11:40:12Z") });
  });

  it("clock at request: only what remains of the requested time, none when under a minute remains", () => {
    const r = rule({ clockStartsAt: "request" });
    expect(approvedGrantWindow(r, { createdAt, durationMinutes: 60 }, new Date("2026-11-24T10:40:00Z"))).toEqual({ startsAt: new Date("2026-11-24T10:40:00Z"), endsAt: new Date("2026-11-24T11:00:00Z") });
    expect(approvedGrantWindow(r, { createdAt, durationMinutes: 60 }, new Date("2026-11-24T10:59:30Z"))).toBeNull();
  });
});
