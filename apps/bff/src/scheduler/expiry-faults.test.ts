import type { Grant } from "@portcullis/contract";
import { parseAllowRuleDescription } from "@portcullis/core";
import { sql } from "kysely";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { demo, rulesNow } from "../test-support/policies.ts";
import { createGrantRepository } from "../requests/repository.ts";
import { allowRules, enablePolicy, grantActions, requestAccess, sshPerRequest } from "../test-support/requests.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";

const start = new Date("2030-06-01T09:00:00.000Z");
const hour = 3600_000;

/** Waits (real time) until `check` holds, failing after `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("expiry that nothing can delay", () => {
  const clock = createManualClock(start);
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let dev: string;
  let admin: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, {
      clock,
      // Backoff long enough that only a woken retry (ARM recovered) closes within the test's window.
      requests: { nsgRetry: { baseDelayMs: 100, maxDelayMs: 1_000 }, closeRetry: { baseMs: 60_000, maxMs: 300_000 }, operationTimeoutMs: 20_000, recoveryProbeMs: 200, answerWithinMs: 1_000 },
    });
    dev = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    await enablePolicy(bff, [demo.web01, demo.web02, demo.app01, demo.app03], [sshPerRequest]);
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    clock.set(start);
    emulator.control.clearFaults();
    emulator.control.setConfig({ writeLatencyMs: 10 });
    for (const id of (await bff.database.kysely.selectFrom("jit_grant").select("id").where("status", "in", ["open", "closing", "opening"]).execute()).map((r) => r.id)) {
      await bff.database.kysely.updateTable("jit_grant").set({ ends_at: clock.now(), status: "open", claimed_by: null, lease_until: null }).where("id", "=", id).execute();
    }
    await bff.jobs.expiry.sweep();
    await bff.database.kysely.deleteFrom("jit_grant").execute();
    emulator.control.resetCounters();
  });

  const open = async (vmId: string, who = admin): Promise<Grant> => {
    const res = await requestAccess(bff, who, { vmId, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Grant;
  };
  const row = (id: string) => bff.database.kysely.selectFrom("jit_grant").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const rulesOfGrant = async (grantId: string, arm = bff.arm) =>
    (await Promise.all([demo.nsgWeb01, demo.nsgWeb02, demo.nsgSnetWeb, demo.nsgApp01, demo.nsgApp03].map((id) => allowRules(arm, id))))
      .flat()
      .filter((rule) => parseAllowRuleDescription(rule.description)?.grantId === grantId);

  it("a 120 s Retry-After on one NSG holds up no other close: the others close at their end and are recorded then; it is retried when ARM said", async () => {
    const throttled = await open(demo.web01);
    const sharing = await open(demo.web02); // shares the subnet NSG with the throttled grant
    const elsewhere = [await open(demo.app01), await open(demo.app03)];
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-web-01" }, times: 1_000, fault: { kind: "status", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 120 } });
    clock.advance(hour);
    const end = clock.now().getTime();
    // Returns without waiting 120 s (the test's 30 s timeout would fail it otherwise).
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 4, closed: 3, retried: 1 });
    for (const grant of [sharing, ...elsewhere]) {
      const closed = await row(grant.id);
      expect(closed).toMatchObject({ status: "closed", status_reason: "Expired" });
      expect((closed.closed_at?.getTime() ?? Infinity) - end).toBeLessThanOrEqual(2_000);
      expect(await rulesOfGrant(grant.id)).toEqual([]);
      expect(await grantActions(bff, grant.id)).toContain("request.expired:success");
    }
    const waiting = await row(throttled.id);
    expect(waiting).toMatchObject({ status: "closing", retry_reason: "throttled", next_attempt_at: new Date(end + 120_000) });
    // Its subnet rule went with the shared NSG's write; the NIC NSG keeps its rule until ARM takes the retry.
    expect((await rulesOfGrant(throttled.id)).length).toBe(1);
    emulator.control.clearFaults();
    clock.advance(119_000);
    expect((await bff.jobs.expiry.sweep()).claimed).toBe(0);
    clock.advance(1_000);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 1, retried: 0 });
    expect(await rulesOfGrant(throttled.id)).toEqual([]);
    expect(await row(throttled.id)).toMatchObject({ status: "closed", last_error: null });
  });

  it("a throttled NSG read (Retry-After 120 s) is not slept inside the SDK: a request answers 503 with ARM's Retry-After at once, and the close waits for ARM's time while others close", async () => {
    const throttled = await open(demo.web01);
    const elsewhere = await open(demo.app01);
    emulator.control.addFault({ match: { method: "GET", pathContains: "networkSecurityGroups/nsg-vm-prod-web-01" }, times: 1_000, fault: { kind: "status", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 120 } });
    const asked = Date.now();
    const again = await requestAccess(bff, dev, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.9"] }, durationMinutes: 30 });
    expect(Date.now() - asked).toBeLessThan(10_000);
    expect(again.status, JSON.stringify(again.body)).toBe(503);
    expect(again.headers["retry-after"]).toBe("120");
    expect(again.body.error.message).toMatch(/^Reading NSG nsg-vm-prod-web-01 failed: SubscriptionRequestsThrottled/);
    // The refused request is recorded as failed, with no rule written for it.
    const refused = await bff.database.kysely.selectFrom("jit_grant").select(["id", "status"]).where("requester_oid", "!=", throttled.requester.oid).execute();
    expect(refused.map((r) => r.status)).toEqual(["failed"]);

    clock.advance(hour);
    const end = clock.now().getTime();
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 2, closed: 1, retried: 1 });
    expect(await row(elsewhere.id)).toMatchObject({ status: "closed", status_reason: "Expired" });
    expect(await row(throttled.id)).toMatchObject({ status: "closing", retry_reason: "throttled", next_attempt_at: new Date(end + 120_000) });
    emulator.control.clearFaults();
    clock.advance(120_000);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 1, retried: 0 });
    expect(await rulesOfGrant(throttled.id)).toEqual([]);
    expect(await rulesOfGrant(refused[0]?.id ?? "")).toEqual([]);
  });

  it("a slow NSG write holds up no other grant: each grant is recorded closed as soon as its own rules are gone", async () => {
    const slow = await open(demo.app01);
    const quick = [await open(demo.app03), await open(demo.web02)];
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-app-01" }, times: 1, fault: { kind: "lro-latency", ms: 4_000 } });
    clock.advance(hour);
    await bff.jobs.expiry.dispatch();
    await eventually(async () => (await Promise.all(quick.map((g) => row(g.id)))).every((r) => r.status === "closed"));
    // The slow NSG's write is still running: its grant is not closed yet, the others were recorded on their own.
    expect((await row(slow.id)).status).toBe("closing");
    await eventually(async () => (await row(slow.id)).status === "closed");
    await bff.jobs.expiry.drain();
    expect(await rulesOfGrant(slow.id)).toEqual([]);
  });

  it("a process does not poll for closes it holds itself (its own closes ask for the next round when they settle), while another process sees them pending", async () => {
    const slow = await open(demo.app01);
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-app-01" }, times: 1, fault: { kind: "lro-latency", ms: 2_000 } });
    clock.advance(hour);
    await bff.jobs.expiry.dispatch();
    expect((await row(slow.id)).status).toBe("closing");
    // Nothing else will be due: no round is asked for until the close settles (not one every 100 ms).
    expect(await bff.jobs.expiry.msUntilNextDue()).toBeNull();
    const grants = createGrantRepository(bff.database.kysely);
    expect(await grants.unitsPending(clock.now(), "another-process")).toBe(true);
    await bff.jobs.expiry.drain();
    expect((await row(slow.id)).status).toBe("closed");
    expect(await grants.unitsPending(clock.now(), "another-process")).toBe(false);
  });

  it("a close whose recording the database gives up once (a deadlock's victim) is recorded at once by running it again, not when its claim's lease ends", async () => {
    const grant = await open(demo.app03);
    // The first transaction that would mark a grant closed fails as PostgreSQL fails a deadlock's victim (40P01);
    // a sequence counts the attempts, since it is not rolled back with them.
    await sql`create sequence close_attempt`.execute(bff.database.kysely);
    await sql`
      create function fail_first_close() returns trigger language plpgsql as $$
      begin
        if new.status = 'closed' and old.status = 'closing' and nextval('close_attempt') = 1 then
          raise exception 'deadlock detected' using errcode = '40P01';
        end if;
        return new;
      end $$`.execute(bff.database.kysely);
    await sql`create trigger fail_first_close before update on jit_grant for each row execute function fail_first_close()`.execute(bff.database.kysely);
    try {
      clock.advance(hour);
      await bff.jobs.expiry.sweep();
      // Refused once, then recorded.
      expect((await sql<{ n: number }>`select last_value::int as n from close_attempt`.execute(bff.database.kysely)).rows[0]?.n).toBe(2);
      expect(await row(grant.id)).toMatchObject({ status: "closed", claimed_by: null });
      expect(await rulesOfGrant(grant.id)).toEqual([]);
      const events = (await listAuditEvents(bff.database.kysely, { vmId: demo.app03 })).filter((e) => e.action === "request.expired" && e.details?.["grantId"] === grant.id);
      expect(events).toHaveLength(1);
    } finally {
      await sql`drop trigger fail_first_close on jit_grant`.execute(bff.database.kysely);
      await sql`drop function fail_first_close()`.execute(bff.database.kysely);
      await sql`drop sequence close_attempt`.execute(bff.database.kysely);
    }
  });

  it("a request whose long-running operation's status poll answers 404 is told the truth: the rule is there, so it is open", async () => {
    emulator.control.addFault({ match: { method: "GET", pathContains: "/operations/" }, times: 1, fault: { kind: "status", status: 404, code: "NotFound", message: "The operation was not found." } });
    const res = await requestAccess(bff, dev, { vmId: demo.web02, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.status).toBe("open");
    expect(await rulesOfGrant(res.body.id)).toHaveLength(2);
    expect(await grantActions(bff, res.body.id)).toEqual(["request.created:success", "request.opened:success"]);
  });

  it("enabling JIT whose status poll answers 404 stores the policy the NSG now holds, instead of leaving a Deny rule with no policy", async () => {
    await bff.policies.remove([demo.app03], { actor: { oid: "test", name: "test", ip: null }, correlationId: null });
    emulator.control.addFault({ match: { method: "GET", pathContains: "/operations/" }, times: 1, fault: { kind: "status", status: 404, code: "NotFound" } });
    const res = await request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [demo.app03], ports: [sshPerRequest] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const stored = await request(bff.app).get("/api/policies/vm").query({ vmId: demo.app03 }).set("authorization", admin);
    expect(stored.status).toBe(200);
    expect((await rulesNow(bff.arm, demo.nsgApp03)).filter((r) => r.name.startsWith("portcullis-jit-deny-")).length).toBeGreaterThan(0);
  });

  it("a request's answer is bounded by its deadline whatever Retry-After says (200 s): 503 at once with Retry-After, nothing open", async () => {
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-app-03" }, times: 10, fault: { kind: "status", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 200 } });
    const res = await requestAccess(bff, admin, { vmId: demo.app03, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 }).catch(() => null);
    // supertest's own default would not wait 200 s either; a 503 here is the BFF's answer, not a timeout.
    expect(res?.status).toBe(503);
    expect(res?.headers["retry-after"]).toBe("200");
    const [grant] = (await request(bff.app).get("/api/grants").set("authorization", admin)).body.items as Grant[];
    expect(grant).toMatchObject({ status: "failed", statusReason: "OpenFailed" });
    expect(await rulesOfGrant(grant?.id ?? "")).toEqual([]);
  });

  it("a write slower than the answer time: the requester hears 'opening' at once, and the grant opens when ARM finishes", async () => {
    emulator.control.addFault({ match: { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-app-01" }, times: 1, fault: { kind: "lro-latency", ms: 3_000 } });
    const res = await requestAccess(bff, admin, { vmId: demo.app01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("opening");
    await eventually(async () => (await row(res.body.id)).status === "open");
    expect(await rulesOfGrant(res.body.id)).toHaveLength(1);
    expect(await grantActions(bff, res.body.id)).toEqual(["request.created:success", "request.opened:success"]);
  });

  it("when an ARM outage ends, closes that waited on it run within 5 s of recovery, not after their back-off", async () => {
    const grant = await open(demo.app03);
    emulator.control.addFault({ match: { pathContains: "/subscriptions" }, times: 100_000, fault: { kind: "status", status: 503, code: "ServiceUnavailable" } });
    clock.advance(hour);
    bff.jobs.scheduler.start();
    try {
      await bff.jobs.expiry.sweep();
      const waiting = await row(grant.id);
      expect(waiting).toMatchObject({ status: "closing", retry_reason: "unreachable" });
      // The back-off alone would wait a minute.
      expect((waiting.next_attempt_at?.getTime() ?? 0) - clock.now().getTime()).toBeGreaterThanOrEqual(60_000);
      emulator.control.clearFaults();
      const recovered = Date.now();
      await eventually(async () => (await row(grant.id)).status === "closed", 10_000);
      expect(Date.now() - recovered).toBeLessThan(5_000);
      expect(await rulesOfGrant(grant.id)).toEqual([]);
    } finally {
      await bff.jobs.scheduler.stop();
    }
  });

  it("a fresh database, against an estate holding expired Portcullis rules: they are removed at start, before anything is served", async () => {
    const grant = await open(demo.web02);
    expect(await rulesOfGrant(grant.id)).toHaveLength(2);
    // A second BFF on an empty database (as after losing it), whose clock is past the grant's end.
    const later = createManualClock(new Date(start.getTime() + 2 * hour));
    const fresh = await assembleTestBff(emulator, { clock: later });
    try {
      expect(await fresh.database.kysely.selectFrom("jit_policy").select("vm_id").execute()).toEqual([]);
      await fresh.jobs.startJobs({ takeOverStoppedProcesses: true });
      expect(await rulesOfGrant(grant.id, fresh.arm)).toEqual([]);
      const events = await listAuditEvents(fresh.database.kysely);
      expect(events.filter((e) => e.action === "drift.repaired").map((e) => e.details["grantIds"])).toContainEqual([grant.id]);
    } finally {
      await fresh.close();
      // The emulator trusts one BFF's tokens at a time: the first one again.
      if (bff.localIssuer !== null) emulator.armTokens.bind(bff.localIssuer, emulator.url);
    }
  });
});
