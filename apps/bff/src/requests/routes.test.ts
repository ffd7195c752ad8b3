import type { Grant } from "@portcullis/contract";
import { parseAllowRuleDescription } from "@portcullis/core";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { counterKey, demo, rulesNow } from "../test-support/policies.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { expectDocumented } from "../test-support/openapi-responses.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { allowRules, enablePolicy, grantActions, rdpOffice, requestAccess, sshPerRequest, threeHoursMs } from "../test-support/requests.ts";

describe("access requests through the API, the emulator and the expiry job", () => {
  const clock = createManualClock(new Date("2030-05-01T08:00:00.000Z"));
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;
  let dev: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { clock });
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
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
    await bff.database.kysely.deleteFrom("jit_policy").execute();
  });

  it("a 3-hour grant opens one Allow rule per NSG and, once the clock passes its end, the expiry job puts both NSGs back as they were", async () => {
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    const before = { nic: await rulesNow(bff.arm, demo.nsgWeb01), subnet: await rulesNow(bff.arm, demo.nsgSnetWeb) };
    emulator.control.resetCounters();

    const res = await requestAccess(bff, dev, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 180, justification: "deploy hotfix" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const grant = res.body as Grant;
    expect(grant).toMatchObject({
      vmName: "vm-prod-web-01",
      status: "open",
      requester: { name: "Dana Developer" },
      ports: [{ port: 22, protocol: "TCP" }],
      sourcePrefixes: ["127.0.0.1/32"],
      justification: "deploy hotfix",
      startsAt: "2030-05-01T08:00:00.000Z",
      endsAt: "2030-05-01T11:00:00.000Z",
    });
    const ip = grant.connect.addresses.find((a) => !a.includes(":"));
    expect(grant.connect.sshCommand).toBe(`ssh azureadmin@${ip} -p 22`);
    expect(grant.connect.rdpFile).toBeNull();
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgWeb01)]: 1, [counterKey(demo.nsgSnetWeb)]: 1 });

    for (const nsgId of [demo.nsgWeb01, demo.nsgSnetWeb]) {
      const [rule, ...others] = await allowRules(bff.arm, nsgId);
      expect(others).toEqual([]);
      expect(rule).toMatchObject({ access: "Allow", direction: "Inbound", protocol: "Tcp", sourceAddressPrefixes: ["127.0.0.1"], destinationAddressPrefixes: [ip], destinationPortRanges: ["22"] });
      expect(parseAllowRuleDescription(rule?.description)).toEqual({ grantId: grant.id, expiresAt: new Date(grant.endsAt), shift: 0 });
      // The lowest free priority from 100, ahead of the VM's JIT Deny rule.
      const inbound = (await rulesNow(bff.arm, nsgId)).filter((r) => r.direction === "Inbound" && r.name !== rule?.name);
      let free = 100;
      while (inbound.some((r) => r.priority === free)) free++;
      expect(rule?.priority).toBe(free);
      const deny = inbound.find((r) => r.name.startsWith("portcullis-jit-deny-") && r.destinationAddressPrefixes.includes(ip ?? ""));
      expect(rule?.priority).toBeLessThan(deny?.priority ?? 0);
    }

    // Nothing is due a second before the end.
    clock.advance(threeHoursMs - 1000);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 0, closed: 0, retried: 0 });
    clock.advance(1000);
    emulator.control.resetCounters();
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 1, closed: 1, retried: 0 });
    expect(await rulesNow(bff.arm, demo.nsgWeb01)).toEqual(before.nic);
    expect(await rulesNow(bff.arm, demo.nsgSnetWeb)).toEqual(before.subnet);
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgWeb01)]: 1, [counterKey(demo.nsgSnetWeb)]: 1 });

    const after = expectDocumented(await request(bff.app).get(`/api/grants/${grant.id}`).set("authorization", dev));
    expect(after.body).toMatchObject({ status: "closed", statusReason: "Expired", closedAt: "2030-05-01T11:00:00.000Z" });
    expect(await grantActions(bff, grant.id)).toEqual(["request.created:success", "request.opened:success", "request.expired:success"]);
    clock.advance(-threeHoursMs);
  });

  const sshBody = (vmId: string, extra: object = {}) => ({ vmId, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60, ...extra });
  const grantOf = async (id: string) => (await request(bff.app).get(`/api/grants/${id}`).set("authorization", admin)).body as Grant;

  it("a newer request of the same requester for the same port supersedes the open grant in the same NSG write", async () => {
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    const first = await requestAccess(bff, dev, sshBody(demo.web01));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    emulator.control.resetCounters();
    const second = await requestAccess(bff, dev, sshBody(demo.web01, { sources: { kind: "ranges", prefixes: ["198.51.100.8"] } }));
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgWeb01)]: 1, [counterKey(demo.nsgSnetWeb)]: 1 });
    const rules = await allowRules(bff.arm, demo.nsgWeb01);
    expect(rules.map((r) => parseAllowRuleDescription(r.description)?.grantId)).toEqual([second.body.id]);
    expect(rules[0]?.sourceAddressPrefixes).toEqual(["198.51.100.8"]);
    expect(await grantOf(first.body.id)).toMatchObject({ status: "closed", statusReason: "NewerRequestInitiated" });
    expect(await grantActions(bff, first.body.id)).toEqual(["request.created:success", "request.opened:success", "request.superseded:success"]);
    // Another requester's grant on the same port is left alone.
    const other = await requestAccess(bff, admin, sshBody(demo.web01));
    expect(other.status).toBe(201);
    expect(await grantOf(second.body.id)).toMatchObject({ status: "open" });
  });

  it("the requester revokes their own grant (UserRequested); an Admin revokes anyone's (Revoked); a Requester cannot revoke someone else's (404 as for an unknown id, nothing written)", async () => {
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    const before = await rulesNow(bff.arm, demo.nsgWeb01);
    const mine = (await requestAccess(bff, dev, sshBody(demo.web01))).body as Grant;
    const admins = (await requestAccess(bff, admin, sshBody(demo.web01))).body as Grant;

    emulator.control.resetCounters();
    const refused = expectDocumented(await request(bff.app).post(`/api/grants/${admins.id}/revoke`).set("authorization", dev));
    expect(refused.status).toBe(404);
    expect(refused.body.error).toEqual({ code: "NotFound", message: `No grant ${admins.id}`, details: { grantId: admins.id } });
    expect(emulator.control.counters().writes).toBe(0);
    expect(await grantOf(admins.id)).toMatchObject({ status: "open" });

    const own = expectDocumented(await request(bff.app).post(`/api/grants/${mine.id}/revoke`).set("authorization", dev));
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(own.body).toMatchObject({ status: "closed", statusReason: "UserRequested" });
    const byAdmin = expectDocumented(await request(bff.app).post(`/api/grants/${admins.id}/revoke`).set("authorization", admin));
    expect(byAdmin.body).toMatchObject({ status: "closed", statusReason: "UserRequested" });
    const devAgain = (await requestAccess(bff, dev, sshBody(demo.web01))).body as Grant;
    const revoked = expectDocumented(await request(bff.app).post(`/api/grants/${devAgain.id}/revoke`).set("authorization", admin));
    expect(revoked.body).toMatchObject({ status: "closed", statusReason: "Revoked" });
    expect(await rulesNow(bff.arm, demo.nsgWeb01)).toEqual(before);
    expect(await grantActions(bff, devAgain.id)).toEqual(["request.created:success", "request.opened:success", "request.revoked:success"]);
    const twice = expectDocumented(await request(bff.app).post(`/api/grants/${devAgain.id}/revoke`).set("authorization", admin));
    expect(twice.status).toBe(409);
  });

  it("extending rewrites the Allow rules' end (one write per NSG) up to the policy's max from the original start; past it is a 400 naming addMinutes, and only the requester may extend", async () => {
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    const grant = (await requestAccess(bff, dev, sshBody(demo.web01))).body as Grant;
    emulator.control.resetCounters();
    const extended = expectDocumented(await request(bff.app).post(`/api/grants/${grant.id}/extend`).set("authorization", dev).send({ addMinutes: 90 }));
    expect(extended.status, JSON.stringify(extended.body)).toBe(200);
    expect(extended.body).toMatchObject({ status: "open", startsAt: grant.startsAt, endsAt: "2030-05-01T10:30:00.000Z" });
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgWeb01)]: 1, [counterKey(demo.nsgSnetWeb)]: 1 });
    for (const nsgId of [demo.nsgWeb01, demo.nsgSnetWeb]) {
      expect((await allowRules(bff.arm, nsgId)).map((r) => parseAllowRuleDescription(r.description)?.expiresAt.toISOString())).toEqual(["2030-05-01T10:30:00.000Z"]);
    }

    emulator.control.resetCounters();
    const tooFar = expectDocumented(await request(bff.app).post(`/api/grants/${grant.id}/extend`).set("authorization", dev).send({ addMinutes: 31 }));
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.error.details.problems).toEqual([{ field: "addMinutes", rule: expect.stringMatching(/^must be at most 30 minutes \(the grant must end by 11:00 UTC, 3 h after the grant started\)$/) }]);
    const notOwner = expectDocumented(await request(bff.app).post(`/api/grants/${grant.id}/extend`).set("authorization", admin).send({ addMinutes: 5 }));
    expect(notOwner.status).toBe(403);
    const malformed = expectDocumented(await request(bff.app).post(`/api/grants/${grant.id}/extend`).set("authorization", dev).send({ addMinutes: 0 }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toBe("addMinutes: must be at least 1");
    expect(emulator.control.counters().writes).toBe(0);
    // The Admin's refused extension is on the record, with the grant it was about.
    expect(await grantActions(bff, grant.id)).toEqual(["request.created:success", "request.opened:success", "request.extended:success", "access.denied:failure"]);

    // The expiry job honours the new end.
    clock.advance(2 * 3600_000);
    expect((await bff.jobs.expiry.sweep()).closed).toBe(0);
    clock.advance(30 * 60_000);
    expect((await bff.jobs.expiry.sweep()).closed).toBe(1);
    clock.advance(-2.5 * 3600_000);
  });

  it("lists: mine for everyone, all only with jit.request.revoke.any (filtered to its scopes); one grant for its requester or such an Admin", async () => {
    await enablePolicy(bff, [demo.web01], [sshPerRequest]);
    const mine = (await requestAccess(bff, dev, sshBody(demo.web01))).body as Grant;
    const admins = (await requestAccess(bff, admin, sshBody(demo.web01))).body as Grant;
    const list = async (token: string, query: string) => request(bff.app).get(`/api/grants?${query}`).set("authorization", token);
    expect((await list(dev, "scope=mine&status=active")).body.items.map((g: Grant) => g.id)).toEqual([mine.id]);
    expect((await list(admin, "scope=all&status=active")).body.items.map((g: Grant) => g.id).sort()).toEqual([mine.id, admins.id].sort());
    const refused = await list(dev, "scope=all");
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe("Missing permission jit.request.revoke.any at any scope");
    expect((await list(dev, "status=recent")).body.items).toEqual([]);
    await request(bff.app).post(`/api/grants/${mine.id}/revoke`).set("authorization", dev);
    expect((await list(dev, "status=recent")).body.items.map((g: Grant) => [g.id, g.status])).toEqual([[mine.id, "closed"]]);
    expect((await request(bff.app).get(`/api/grants/${admins.id}`).set("authorization", dev)).status).toBe(404);
    expect((await request(bff.app).get(`/api/grants/${mine.id}`).set("authorization", admin)).status).toBe(200);
    expect((await request(bff.app).get("/api/grants/not-a-uuid").set("authorization", admin)).body.error.message).toBe("id: must be a grant id (a UUID)");
    expect((await request(bff.app).get(`/api/grants/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}`).set("authorization", admin)).status).toBe(404);
  });

  it("requests to VMs behind the same NSG that arrive together are written together: what queues behind a write goes in the next one", async () => {
    const vms = [demo.web01, demo.web02, demo.web03, demo.web04];
    await enablePolicy(bff, vms, [sshPerRequest]);
    emulator.control.setConfig({ writeLatencyMs: 200 });
    emulator.control.resetCounters();
    const responses = await Promise.all([...vms.map((vmId) => requestAccess(bff, dev, sshBody(vmId))), ...vms.map((vmId) => requestAccess(bff, admin, sshBody(vmId)))]);
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    // Eight grants in the subnet NSG: the first batch, then everything that queued behind it.
    const writes = emulator.control.counters().writesByNsg;
    expect(writes[counterKey(demo.nsgSnetWeb)]).toBeLessThanOrEqual(2);
    expect(await allowRules(bff.arm, demo.nsgSnetWeb)).toHaveLength(8);

    emulator.control.resetCounters();
    clock.advance(3600_000);
    expect(await bff.jobs.expiry.sweep()).toEqual({ claimed: 8, closed: 8, retried: 0 });
    // Expiry closes every due grant of an NSG in one write.
    expect(emulator.control.counters().writesByNsg).toEqual({ [counterKey(demo.nsgSnetWeb)]: 1, [counterKey(demo.nsgWeb01)]: 1, [counterKey(demo.nsgWeb02)]: 1 });
    expect(await allowRules(bff.arm, demo.nsgSnetWeb)).toEqual([]);
    clock.advance(-3600_000);
  });

  it("a grant on 3389 of a Windows VM comes with an .rdp file for its private address", async () => {
    await enablePolicy(bff, [demo.app03], [rdpOffice]);
    const res = await requestAccess(bff, admin, { vmId: demo.app03, ports: [{ port: 3389, protocol: "TCP" }], sources: { kind: "ranges", prefixes: ["203.0.113.0/28"] }, durationMinutes: 30 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const ip = (res.body as Grant).connect.addresses[0];
    expect(res.body.connect).toEqual({ addresses: [ip], sshCommand: null, rdpFile: `full address:s:${ip}:3389\r\nusername:s:azureadmin\r\nprompt for credentials:i:1\r\n` });
    expect((await allowRules(bff.arm, demo.nsgApp03))[0]?.sourceAddressPrefixes).toEqual(["203.0.113.0/28"]);
  });
});
