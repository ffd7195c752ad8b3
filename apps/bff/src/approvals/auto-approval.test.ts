import type { AccessRequest, AutoApprovalRule, Grant, PolicyPort } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { demo } from "../test-support/policies.ts";
import { allowRules, requestAccess, sshPerRequest } from "../test-support/requests.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { expectDocumented } from "../test-support/openapi-responses.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { issuerSigningKey, signToken, userClaims } from "../test-support/tokens.ts";

/** 10:00 UTC on a Monday. */
const start = new Date("2030-06-03T10:00:00.000Z");
const rdp: PolicyPort = { ...sshPerRequest, port: 3389 };
const onCall: AutoApprovalRule = { name: "on-call", groups: ["grp-on-call"], hours: null, ports: [], maxDuration: null };

describe("automatic approval by rule: the on-call group opens without an approver; anyone else, or outside the rule, waits", () => {
  const clock = createManualClock(start);
  let emulator: TestEmulator;
  let bff: InProcessBff;
  const auth: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { clock });
    for (const user of ["admin", "dev", "approver"]) auth[user] = `Bearer ${await signInAs(bff, `${user}@contoso.test`)}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    clock.set(start);
    emulator.control.reset();
    const db = bff.database.kysely;
    await db.deleteFrom("access_request_decision").execute();
    await db.deleteFrom("access_request").execute();
    await db.deleteFrom("jit_grant").execute();
    await db.deleteFrom("jit_policy").execute();
  });

  const putPolicy = async (autoApprove: object | null, ports: PolicyPort[] = [sshPerRequest, rdp]) =>
    expectDocumented(
      await request(bff.app)
        .put("/api/policies")
        .set("authorization", auth.admin ?? "")
        .send({ vmIds: [demo.web01], ports, approval: { requiredApprovals: 1, approvers: { roleHolders: true }, autoApprove } }),
    );

  async function policyWith(rule: Partial<AutoApprovalRule>) {
    const res = await putPolicy({ ...onCall, ...rule });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  const ask = (who: string, body: object = {}) =>
    requestAccess(bff, auth[who] ?? who, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60, justification: "on-call page", ...body });

  async function events(action: string) {
    return (await listAuditEvents(bff.database.kysely)).filter((e) => e.action === action);
  }

  /** Waited: 202, nothing in the NSG, and the request.created event says which conditions did not hold. */
  async function expectWaits(res: Awaited<ReturnType<typeof ask>>, unmet: string[]) {
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect((res.body as AccessRequest).status).toBe("pending");
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([]);
    const created = (await events("request.created")).find((e) => e.details["requestId"] === (res.body as AccessRequest).id);
    expect(created?.details["autoApproval"]).toMatchObject({ rule: "on-call", applied: false });
    expect((created?.details["autoApproval"] as { unmet: Array<{ condition: string }> }).unmet.map((u) => u.condition)).toEqual(unmet);
  }

  it("a requester in the on-call group opens at once: the Allow rule is in the NSG, and the activity log records the automatic approval naming the rule", async () => {
    await policyWith({});
    const res = await ask("dev");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const grant = res.body as Grant;
    expect(grant.status).toBe("open");
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toEqual([expect.objectContaining({ sourceAddressPrefixes: ["198.51.100.7"], destinationPortRanges: ["22"] })]);

    const approved = (await events("request.approved")).filter((e) => e.details["grantId"] === grant.id);
    expect(approved).toHaveLength(1);
    expect(approved[0]).toMatchObject({
      actor: { oid: "portcullis", name: 'Automatic approval rule "on-call"' },
      outcome: "success",
      details: { automatic: true, rule: "on-call", remaining: 0, requester: { name: "Dana Developer" }, conditions: { groups: ["grp-on-call"] } },
    });
    const created = (await events("request.created")).find((e) => e.details["grantId"] === grant.id);
    expect(created?.details).toMatchObject({ approvalRequired: false, autoApproval: { rule: "on-call", applied: true } });
    // Nothing waits for an approver.
    const pending = await request(bff.app).get("/api/access-requests?scope=approvals&status=pending").set("authorization", auth.approver ?? "");
    expect(pending.body.items).toEqual([]);

    // The auditor's view (the activity API) shows the same row.
    const log = expectDocumented(await request(bff.app).get("/api/activity").query({ action: "request.approved" }).set("authorization", auth.admin ?? ""));
    expect(log.body.items[0]).toMatchObject({ actor: { name: 'Automatic approval rule "on-call"' }, details: { rule: "on-call", automatic: true } });
  });

  it("a requester outside the group waits for an approver, and the approver's approval opens it as before", async () => {
    await policyWith({});
    const res = await ask("admin");
    await expectWaits(res, ["groups"]);
    const approved = expectDocumented(await request(bff.app).post(`/api/access-requests/${(res.body as AccessRequest).id}/approve`).set("authorization", auth.approver ?? "").send({}));
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(await allowRules(bff.arm, demo.nsgWeb01)).toHaveLength(1);
  });

  it("hours (UTC): within 08:00-18:00 it opens; at 20:00 the on-call requester waits", async () => {
    await policyWith({ hours: { from: "08:00", to: "18:00", timeZone: "UTC" } });
    expect((await ask("dev")).status).toBe(201);
    await bff.database.kysely.deleteFrom("jit_grant").execute();
    emulator.control.reset();
    clock.set(new Date("2030-06-03T20:00:00.000Z"));
    await expectWaits(await ask("dev"), ["hours"]);
  });

  it("hours in a named time zone: 10:00 UTC is 19:00 in Tokyo, outside 08:00-18:00 Asia/Tokyo", async () => {
    await policyWith({ hours: { from: "08:00", to: "18:00", timeZone: "Asia/Tokyo" } });
    await expectWaits(await ask("dev"), ["hours"]);
  });

  it("ports: a request for a port beyond the rule's waits", async () => {
    await policyWith({ ports: [22] });
    await expectWaits(await ask("dev", { ports: [{ port: 3389 }] }), ["ports"]);
    await expectWaits(await ask("dev", { ports: [{ port: 22 }, { port: 3389 }] }), ["ports"]);
    expect((await ask("dev", { ports: [{ port: 22 }] })).status).toBe(201);
  });

  it("duration: longer than the rule's maximum waits; up to it opens", async () => {
    await policyWith({ maxDuration: "PT1H" });
    await expectWaits(await ask("dev", { durationMinutes: 90 }), ["maxDuration"]);
    expect((await ask("dev", { durationMinutes: 60 })).status).toBe(201);
  });

  it("break-glass stays break-glass: flagged for review even when the rule would approve", async () => {
    const saved = await request(bff.app)
      .put("/api/policies")
      .set("authorization", auth.admin ?? "")
      .send({ vmIds: [demo.web01], ports: [sshPerRequest], breakGlass: true, approval: { requiredApprovals: 1, approvers: { roleHolders: true }, autoApprove: onCall } });
    expect(saved.status).toBe(200);
    const res = await ask("dev", { breakGlass: true });
    expect(res.status).toBe(201);
    expect((res.body as Grant).breakGlass).toBe(true);
    const grantId = (res.body as Grant).id;
    expect((await events("request.break-glass")).filter((e) => e.details["grantId"] === grantId)).toHaveLength(1);
    expect((await events("request.approved")).filter((e) => e.details["grantId"] === grantId)).toEqual([]);
  });

  describe("when the token's groups claim overflowed (Entra's _claim_names instead of the list)", () => {
    async function overflowToken(username: string, oid?: string): Promise<string> {
      const { key, kid } = await issuerSigningKey(bff.issuerDataDir);
      const { groups: _dropped, ...claims } = userClaims(bff.localIssuer?.issuer ?? "", username);
      const overflowed = { ...claims, ...(oid === undefined ? {} : { oid, sub: oid }), _claim_names: { groups: "src1" }, _claim_sources: { src1: { endpoint: "https://graph.microsoft.com/v1.0/users/x/getMemberObjects" } } };
      return `Bearer ${await signToken(overflowed, key, { alg: "RS256", kid })}`;
    }

    it("the directory's lookup decides where it can (the local issuer knows Dana is on call)", async () => {
      await policyWith({});
      expect((await ask(await overflowToken("dev@contoso.test"))).status).toBe(201);
    });

    it("where the directory cannot say, the rule is not applied: the request waits for an approver and the reason is recorded", async () => {
      await policyWith({});
      // An admin the local directory does not know (tenant role from the token), whose groups cannot be looked up.
      const res = await ask(await overflowToken("admin@contoso.test", "0f0f0f0f-1111-4222-8333-444444444444"));
      await expectWaits(res, ["groups"]);
      const created = (await events("request.created")).find((e) => e.details["requestId"] === (res.body as AccessRequest).id);
      expect(JSON.stringify(created?.details["autoApproval"])).toContain("the token's groups claim overflowed");
    });
  });

  describe("saving a rule: 400 naming the field, nothing stored", () => {
    it.each([
      ["an unknown group (the local directory knows every group)", { groups: ["grp-nobody"] }, "approval.autoApprove.groups[0]", /not a group of the local issuer's users/],
      ["no condition at all", { groups: [] }, "approval.autoApprove", /at least one condition/],
      ["no name", { name: "" }, "approval.autoApprove.name", /.+/],
      ["an unknown time zone", { hours: { from: "08:00", to: "18:00", timeZone: "Mars/Olympus" } }, "approval.autoApprove.hours.timeZone", /is not a time zone/],
      ["a time that is not HH:MM", { hours: { from: "8am", to: "18:00" } }, "approval.autoApprove.hours.from", /HH:MM/],
      ["empty hours", { hours: { from: "08:00", to: "08:00" } }, "approval.autoApprove.hours.to", /must differ/],
      ["a port the policy does not have", { ports: [8080] }, "approval.autoApprove.ports[0]", /not one of this policy's ports/],
      ["a duration over 24 hours", { maxDuration: "P2D" }, "approval.autoApprove.maxDuration", /between 5 minutes/],
    ])("refuses %s", async (_case, rule, field, message) => {
      const res = await putPolicy({ ...onCall, ...rule });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      const problem = (res.body.error.details.problems as Array<{ field: string; rule: string }>).find((p) => p.field === field);
      expect(problem?.rule, JSON.stringify(res.body.error.details.problems)).toMatch(message);
      expect(await bff.database.kysely.selectFrom("jit_policy").select("vm_id").execute()).toEqual([]);
    });

    it("the saved rule comes back with the policy", async () => {
      await policyWith({ hours: { from: "22:00", to: "06:00", timeZone: "Europe/Berlin" }, ports: [22], maxDuration: "PT2H" });
      const policy = expectDocumented(await request(bff.app).get("/api/policies/vm").query({ vmId: demo.web01 }).set("authorization", auth.admin ?? ""));
      expect(policy.body.approval.autoApprove).toEqual({ name: "on-call", groups: ["grp-on-call"], hours: { from: "22:00", to: "06:00", timeZone: "Europe/Berlin" }, ports: [22], maxDuration: "PT2H" });
    });
  });
});
