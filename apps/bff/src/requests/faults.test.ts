import type { Grant } from "@portcullis/contract";
import { parseAllowRuleDescription } from "@portcullis/core";
import { sql } from "kysely";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { counterKey, demo, rulesNow } from "../test-support/policies.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { allowRules, enablePolicy, grantActions, requestAccess, sshPerRequest } from "../test-support/requests.ts";

/** ARM answers a per-call timeout this short in these tests (30 s in production), with stalls to match. */
const armTimeoutMs = 400;

describe("ARM faults while opening and closing grants", () => {
  const clock = createManualClock(new Date("2030-06-01T09:00:00.000Z"));
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let dev: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, {
      clock,
      armMaxRetries: 1,
      armRequestTimeoutMs: armTimeoutMs,
      requests: { nsgRetry: { baseDelayMs: 100, maxDelayMs: 1_000 }, operationTimeoutMs: 15_000 },
    });
    dev = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator.control.reset();
    emulator.control.setConfig({ writeLatencyMs: 10 });
    await bff.database.kysely.deleteFrom("jit_grant").execute();
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    emulator.control.resetCounters();
  });

  const body = { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 };
  const nicNsgPut = { method: "PUT", pathContains: "networkSecurityGroups/nsg-vm-prod-web-01" };
  const subnetNsgPut = { method: "PUT", pathContains: "networkSecurityGroups/nsg-snet-web" };
  const grantRow = (id: string) => bff.database.kysely.selectFrom("jit_grant").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const rulesOf = async (grantId: string) =>
    [...(await allowRules(bff.arm, demo.nsgWeb01)), ...(await allowRules(bff.arm, demo.nsgSnetWeb))].filter((r) => parseAllowRuleDescription(r.description)?.grantId === grantId);

  it.each([
    ["429 throttled with Retry-After", { kind: "status", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 1 }],
    ["409 AnotherOperationInProgress", { kind: "status", status: 409, code: "AnotherOperationInProgress", retryAfterSeconds: 1 }],
    ["429 RetryableErrorDueToAnotherOperation", { kind: "status", status: 429, code: "RetryableErrorDueToAnotherOperation", retryAfterSeconds: 1 }],
    ["a 500 once", { kind: "status", status: 500, code: "InternalServerError" }],
  ] as const)("%s: the request opens after the retry", async (_case, fault) => {
    emulator.control.addFault({ match: nicNsgPut, times: 1, fault });
    const started = Date.now();
    const res = await requestAccess(bff, dev, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    if ("retryAfterSeconds" in fault) expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emulator.control.counters().writesByNsg[counterKey(demo.nsgWeb01)]).toBe(2);
    expect(await rulesOf(res.body.id)).toHaveLength(2);
  });

  it("500s that outlast the deadline: 503 naming the NSG; the NSG was read, so the answer says no port was opened, and none is", async () => {
    emulator.control.addFault({ match: nicNsgPut, times: 1_000, fault: { kind: "status", status: 500, code: "InternalServerError", message: "Something broke." } });
    const res = await requestAccess(bff, dev, body);
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.body.error.message).toMatch(/^Writing NSG nsg-vm-prod-web-01 failed: InternalServerError: Something broke\./);
    expect(res.body.error.details).toMatchObject({ nsgName: "nsg-vm-prod-web-01", arm: { status: 500, code: "InternalServerError" } });
    // A 500 may hide a write that landed: Portcullis read the NSG after each one and saw the rule was not there.
    expect(res.body.error.message).toMatch(/No port was opened\.$/);
    expect(res.headers["retry-after"]).toBeDefined();
    const [grant] = (await request(bff.app).get("/api/grants").set("authorization", dev)).body.items as Grant[];
    expect(grant).toMatchObject({ status: "failed", statusReason: "OpenFailed", error: res.body.error.message });
    expect(await rulesOf(grant?.id ?? "")).toEqual([]);
    expect(await grantActions(bff, grant?.id ?? "")).toEqual(["request.created:success", "request.failed:failure"]);
    emulator.control.clearFaults();
  });

  it("a long-running operation that fails: 502 naming the NSG and ARM's code; the NSG already written is rolled back", async () => {
    const before = { nic: await rulesNow(bff.arm, demo.nsgWeb01), subnet: await rulesNow(bff.arm, demo.nsgSnetWeb) };
    emulator.control.addFault({ match: subnetNsgPut, times: 1, fault: { kind: "lro-fail", code: "NetworkingInternalOperationError", message: "An error occurred." } });
    const res = await requestAccess(bff, dev, body);
    expect(res.status).toBe(502);
    expect(res.body.error.message).toBe("Writing NSG nsg-snet-web failed: NetworkingInternalOperationError: An error occurred. The NSGs already written (1) were put back as they were. No port was opened.");
    expect(await rulesNow(bff.arm, demo.nsgWeb01)).toEqual(before.nic);
    expect(await rulesNow(bff.arm, demo.nsgSnetWeb)).toEqual(before.subnet);
    const [grant] = (await request(bff.app).get("/api/grants").set("authorization", dev)).body.items as Grant[];
    expect(grant).toMatchObject({ status: "failed", statusReason: "OpenFailed", error: res.body.error.message });
    expect(await grantActions(bff, grant?.id ?? "")).toEqual(["request.created:success", "request.failed:failure"]);
  });

  it("a write that stalls past the ARM timeout: the request opens or fails clearly, and no rule outlives a grant that is not open", async () => {
    emulator.control.addFault({ match: nicNsgPut, times: 1, fault: { kind: "stall", ms: armTimeoutMs * 3 } });
    const res = await requestAccess(bff, dev, body);
    expect([201, 502, 503], JSON.stringify(res.body)).toContain(res.status);
    // The stalled write may land after the answer: wait for it, then let the expiry job do its part.
    await new Promise((resolve) => setTimeout(resolve, armTimeoutMs * 3));
    await settle();
    const [grant] = (await request(bff.app).get("/api/grants").set("authorization", dev)).body.items as Grant[];
    if (grant?.status === "open") expect(await rulesOf(grant.id)).toHaveLength(2);
    else expect(await rulesOf(grant?.id ?? "")).toEqual([]);
    expect(grant?.status).toBe(res.status === 201 ? "open" : "failed");
  });

  it("the grant row exists (opening, leased) before the NSG write", async () => {
    emulator.control.addFault({ match: nicNsgPut, times: 1, fault: { kind: "stall", ms: 300 } });
    const pending = requestAccess(bff, dev, body).then((res) => res);
    await waitFor(() => (emulator.control.counters().writesByNsg[counterKey(demo.nsgWeb01)] ?? 0) >= 1);
    const rows = await bff.database.kysely.selectFrom("jit_grant").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "opening", claimed_by: expect.any(String) });
    expect(rows[0]?.lease_until?.getTime()).toBeGreaterThan(clock.now().getTime());
    expect((await pending).status).toBe(201);
  });

  it("a close that fails is retried with backoff until it succeeds, never dropped", async () => {
    const grant = (await requestAccess(bff, dev, body)).body as Grant;
    emulator.control.addFault({ match: nicNsgPut, times: 2, fault: { kind: "lro-fail", code: "NetworkingInternalOperationError" } });
    clock.advance(3600_000);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 0, retried: 1 });
    expect(await grantRow(grant.id)).toMatchObject({ status: "closing", close_attempts: 1, next_attempt_at: new Date(clock.now().getTime() + 5_000), last_error: expect.stringMatching(/nsg-vm-prod-web-01.*NetworkingInternalOperationError/) });
    // Not due again until the backoff has passed.
    expect((await bff.jobs.expiry.sweep()).claimed).toBe(0);
    clock.advance(5_000);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 0, retried: 1 });
    expect(await grantRow(grant.id)).toMatchObject({ close_attempts: 2, next_attempt_at: new Date(clock.now().getTime() + 10_000) });
    clock.advance(10_000);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 1, retried: 0 });
    expect(await rulesOf(grant.id)).toEqual([]);
    expect(await grantRow(grant.id)).toMatchObject({ status: "closed", status_reason: "Expired" });
    expect(await grantActions(bff, grant.id)).toEqual(["request.created:success", "request.opened:success", "request.close-retried:failure", "request.close-retried:failure", "request.expired:success"]);
    clock.advance(-3600_000 - 15_000);
  });

  it("a revoke ARM refuses answers 502 naming the NSG; the grant stays closing and the expiry job finishes the close", async () => {
    const grant = (await requestAccess(bff, dev, body)).body as Grant;
    emulator.control.addFault({ match: nicNsgPut, times: 1, fault: { kind: "lro-fail", code: "NetworkingInternalOperationError", message: "An error occurred." } });
    const res = await request(bff.app).post(`/api/grants/${grant.id}/revoke`).set("authorization", dev);
    expect(res.status).toBe(502);
    expect(res.body.error.message).toBe("Removing the grant's rules from NSG nsg-vm-prod-web-01 failed: NetworkingInternalOperationError: An error occurred. The grant stays closing: its rules are removed as soon as ARM takes the write.");
    expect(await grantRow(grant.id)).toMatchObject({ status: "closing", status_reason: "UserRequested", close_attempts: 1 });
    // The subnet NSG was cleaned; the NIC NSG keeps the rule until the retry.
    expect(await rulesOf(grant.id)).toHaveLength(1);
    clock.advance(5_000);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 1, retried: 0 });
    expect(await rulesOf(grant.id)).toEqual([]);
    expect(await grantRow(grant.id)).toMatchObject({ status: "closed", status_reason: "UserRequested" });
    expect(await grantActions(bff, grant.id)).toEqual(["request.created:success", "request.opened:success", "request.close-retried:failure", "request.revoked:success"]);
    clock.advance(-5_000);
  });

  it("an extension ARM refuses answers 502 and changes nothing: the rules and the row keep the old end", async () => {
    const grant = (await requestAccess(bff, dev, body)).body as Grant;
    emulator.control.addFault({ match: subnetNsgPut, times: 1, fault: { kind: "lro-fail", code: "NetworkingInternalOperationError", message: "An error occurred." } });
    const res = await request(bff.app).post(`/api/grants/${grant.id}/extend`).set("authorization", dev).send({ addMinutes: 30 });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toMatch(/^Writing NSG nsg-snet-web failed: NetworkingInternalOperationError: An error occurred\. .*The grant keeps its end time\.$/);
    expect((await rulesOf(grant.id)).map((r) => parseAllowRuleDescription(r.description)?.expiresAt.toISOString())).toEqual([grant.endsAt, grant.endsAt]);
    expect(await grantRow(grant.id)).toMatchObject({ status: "open", ends_at: new Date(grant.endsAt), claimed_by: null });
    expect(await grantActions(bff, grant.id)).toEqual(["request.created:success", "request.opened:success", "request.extended:failure"]);
  });

  it("a grant left opening by a process that died is closed as soon as that process stops heart-beating, not at its lease's end", async () => {
    const grant = (await requestAccess(bff, dev, body)).body as Grant;
    const db = bff.database.kysely;
    // As if another process had died after the write and before recording it: alive first, then silent.
    await db.insertInto("bff_instance").values({ id: "another-process", node: "elsewhere" }).execute();
    await sql`update jit_grant set status = 'opening', claimed_by = 'another-process', lease_until = ${new Date(clock.now().getTime() + 300_000)} where id = ${grant.id}`.execute(db);
    expect((await bff.jobs.expiry.sweep()).claimed).toBe(0);
    await sql`update bff_instance set heartbeat_at = clock_timestamp() - interval '1 minute' where id = 'another-process'`.execute(db);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 1, retried: 0 });
    expect(await rulesOf(grant.id)).toEqual([]);
    expect(await grantRow(grant.id)).toMatchObject({ status: "failed", status_reason: "OpenFailed" });
    await db.deleteFrom("bff_instance").where("id", "=", "another-process").execute();
  });

  it("a grant whose holder shut down cleanly is taken over at once", async () => {
    const first = (await requestAccess(bff, dev, body)).body as Grant;
    const db = bff.database.kysely;
    await db.insertInto("bff_instance").values({ id: "stopped-process", node: "elsewhere", stopped_at: new Date() }).execute();
    await sql`update jit_grant set status = 'opening', claimed_by = 'stopped-process', lease_until = ${new Date(clock.now().getTime() + 300_000)} where id = ${first.id}`.execute(db);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 1, retried: 0 });
    expect(await grantRow(first.id)).toMatchObject({ status: "failed", status_reason: "OpenFailed" });
    await db.deleteFrom("bff_instance").where("id", "=", "stopped-process").execute();
  });

  /** Runs the expiry job for what it has due now (an opening whose outcome was unknown is due at once). */
  async function settle(): Promise<void> {
    await bff.jobs.expiry.sweep();
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
