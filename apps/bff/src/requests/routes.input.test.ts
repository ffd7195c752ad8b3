import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Request } from "express";
import { freeTextRules } from "@portcullis/core";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { demo, rulesNow } from "../test-support/policies.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { resolveRequestIp, trustedProxyList } from "../lib/http/client-ip.ts";
import { enablePolicy, rdpOffice, requestAccess, sshPerRequest } from "../test-support/requests.ts";

describe("refused access requests: each names the field and the rule, and nothing is written", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let dev: string;
  let admin: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    dev = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    await enablePolicy(bff, [demo.web01], [sshPerRequest, rdpOffice]);
    await enablePolicy(bff, [demo.web02], [sshPerRequest], true);
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(() => emulator.control.resetCounters());

  const valid = { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "my-ip" }, durationMinutes: 60 };

  async function expectNothingWritten(): Promise<void> {
    expect(emulator.control.counters().writes).toBe(0);
    expect(await bff.database.kysely.selectFrom("jit_grant").select("id").execute()).toEqual([]);
  }

  it.each([
    ["a port the policy does not configure", { ports: [{ port: 8080 }] }, "ports[0].port", "port 8080 is not configured for this VM"],
    ["a protocol the policy does not configure", { ports: [{ port: 22, protocol: "UDP" }] }, "ports[0].protocol", "port 22 is not configured for UDP on this VM (it is configured for TCP)"],
    ["a duration over the max", { durationMinutes: 181 }, "durationMinutes", "must be at most 180 minutes (the max request time of port 22)"],
    ["a duration under 5 minutes", { durationMinutes: 4 }, "durationMinutes", "must be at least 5 minutes"],
    ["a source outside the policy's", { ports: [{ port: 3389 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] } }, "sources.prefixes[0]", "198.51.100.7 is outside the sources allowed for port 3389: 203.0.113.0/24"],
    ["a malformed source", { sources: { kind: "ranges", prefixes: ["10.0.0.300"] } }, "sources.prefixes[0]", "\"10.0.0.300\" is not an IPv4 or IPv6 address or CIDR (service tags are not accepted)"],
    ["a CIDR with host bits set", { sources: { kind: "ranges", prefixes: ["198.51.100.7/24"] } }, "sources.prefixes[0]", "host bits set: 198.51.100.7/24 has address bits after its prefix length; did you mean 198.51.100.0/24?"],
    ["* for a per-request policy", { sources: { kind: "ranges", prefixes: ["*"] } }, "sources.prefixes[0]", "`*` opens the port to the whole Internet; this VM's policy does not allow any source"],
    ["0.0.0.0/0 for a per-request policy", { sources: { kind: "ranges", prefixes: ["0.0.0.0/0"] } }, "sources.prefixes[0]", "`0.0.0.0/0` opens the port to the whole Internet; this VM's policy does not allow any source"],
    ["no justification where the policy requires one", { vmId: demo.web02 }, "justification", "is required by this VM's policy"],
    ["a justification with a right-to-left override", { justification: "INC-1 \u202Edeliver" }, "justification", freeTextRules.bidi],
    ["a justification with a zero-width space", { justification: "INC\u200B-1" }, "justification", freeTextRules.zeroWidth],
    ["a justification with an escape character", { justification: "INC-1\u001b[31m" }, "justification", freeTextRules.control],
    ["no port at all", { ports: [] }, "ports", "must be at least 1"],
    ["a duration that is not a number", { durationMinutes: "an hour" }, "durationMinutes", "must be a number"],
    ["a VM id that is not one", { vmId: "/subscriptions/x/vm" }, "vmId", "must be a virtual machine id (/subscriptions/{id}/resourceGroups/{name}/providers/Microsoft.Compute/virtualMachines/{name})"],
  ])("%s: 400", async (_case, change, field, rule) => {
    const res = await requestAccess(bff, dev, { ...valid, ...change });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.problems).toContainEqual({ field, rule });
    expect(res.body.error.message).toContain(`${field}: ${rule}`);
    await expectNothingWritten();
  });

  const atMost24 = "this VM's policy lets a requester open at most a /24 (256 IPv4 addresses)";
  it.each([
    ["two /1s", ["0.0.0.0/1", "128.0.0.0/1"], `together these sources open port 22 to every IPv4 address, the whole Internet; ${atMost24}`],
    ["four /2s", ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], `together these sources open port 22 to every IPv4 address, the whole Internet; ${atMost24}`],
    ["one /1", ["128.0.0.0/1"], `together these sources open port 22 to 2,147,483,648 IPv4 addresses (as wide as a /1); ${atMost24}`],
    ["::/1 and 8000::/1", ["::/1", "8000::/1"], "together these sources open port 22 to every IPv6 address, the whole Internet; this VM's policy lets a requester open at most a /56 (about 2^72 IPv6 addresses)"],
    ["twenty /24s", Array.from({ length: 20 }, (_, i) => `198.51.${i}.0/24`), `together these sources open port 22 to 5,120 IPv4 addresses (as wide as a /19); ${atMost24}`],
  ])("the whole Internet (or too much of it) in disguise, %s: 400 by the addresses covered, nothing written, one failed event", async (_case, prefixes, rule) => {
    const before = await bff.database.kysely.selectFrom("audit_event").select("seq").orderBy("seq", "desc").limit(1).executeTakeFirst();
    const nsgBefore = emulator.control.counters().writes;
    const res = await requestAccess(bff, dev, { ...valid, sources: { kind: "ranges", prefixes } });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.problems).toContainEqual({ field: "sources.prefixes", rule });
    expect(emulator.control.counters().writes).toBe(nsgBefore);
    await expectNothingWritten();
    const events = await bff.database.kysely.selectFrom("audit_event").selectAll().where("seq", ">", before?.seq ?? "0").execute();
    expect(events.map((e) => [e.action, e.outcome])).toEqual([["request.created", "failure"]]);
    expect(events[0]?.details).toMatchObject({ sources: prefixes, opensToAnyAddress: true });
    expect(events[0]?.error).toContain(rule);
  });

  it("a per-request port's own widest source is stored and applies: a /20 opens where the port allows a /20, a /19 does not", async () => {
    const limited = { ...sshPerRequest, allowedSources: { kind: "per-request", maxPrefixSize: { ipv4: 20, ipv6: 48 } } };
    const put = await request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [demo.app03], ports: [limited] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const stored = await request(bff.app).get("/api/policies/vm").query({ vmId: demo.app03 }).set("authorization", admin);
    expect(stored.body.ports[0].allowedSources).toEqual({ kind: "per-request", maxPrefixSize: { ipv4: 20, ipv6: 48 } });
    const ask = { vmId: demo.app03, ports: [{ port: 22 }], durationMinutes: 30 };
    const wide = await requestAccess(bff, admin, { ...ask, sources: { kind: "ranges", prefixes: ["198.51.96.0/19"] } });
    expect(wide.status).toBe(400);
    expect(wide.body.error.details.problems).toContainEqual({ field: "sources.prefixes", rule: "together these sources open port 22 to 8,192 IPv4 addresses (as wide as a /19); this VM's policy lets a requester open at most a /20 (4,096 IPv4 addresses)" });
    const fits = await requestAccess(bff, admin, { ...ask, sources: { kind: "ranges", prefixes: ["198.51.96.0/20"] } });
    expect(fits.status, JSON.stringify(fits.body)).toBe(201);
    const allow = (await rulesNow(bff.arm, demo.nsgApp03)).filter((rule) => rule.name.startsWith("portcullis-jit-allow-"));
    expect(allow.map((rule) => [rule.access, rule.sourceAddressPrefixes])).toEqual([["Allow", ["198.51.96.0/20"]]]);
    expect((await request(bff.app).post(`/api/grants/${fits.body.id}/revoke`).set("authorization", admin)).status).toBe(200);
    await bff.policies.remove([demo.app03], { actor: { oid: "test", name: "test", ip: null }, correlationId: null });
    await bff.database.kysely.deleteFrom("jit_grant").execute();
  });

  it("extending a grant whose sources the policy no longer allows is refused (409 naming the reason); the grant keeps its end", async () => {
    await enablePolicy(bff, [demo.app03], [sshPerRequest]);
    const opened = await requestAccess(bff, admin, { vmId: demo.app03, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.0/24"] }, durationMinutes: 30 });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    // The admin narrows the port: a requester may now open at most a /28.
    await enablePolicy(bff, [demo.app03], [{ ...sshPerRequest, allowedSources: { kind: "per-request", maxPrefixSize: { ipv4: 28, ipv6: 64 } } }]);
    const extended = await request(bff.app).post(`/api/grants/${opened.body.id}/extend`).set("authorization", admin).send({ addMinutes: 30 });
    expect(extended.status).toBe(409);
    expect(extended.body.error.details).toMatchObject({ reason: "SourcesNoLongerAllowed" });
    expect((await request(bff.app).get(`/api/grants/${opened.body.id}`).set("authorization", admin)).body.endsAt).toBe(opened.body.endsAt);
    expect((await request(bff.app).post(`/api/grants/${opened.body.id}/revoke`).set("authorization", admin)).status).toBe(200);
    await bff.policies.remove([demo.app03], { actor: { oid: "test", name: "test", ip: null }, correlationId: null });
    await bff.database.kysely.deleteFrom("jit_grant").execute();
  });

  it("a stored policy that today's rules refuse (a disguised 'any' saved before them) grants nothing until an admin fixes it", async () => {
    await bff.database.kysely
      .updateTable("jit_policy")
      .set({ rules: JSON.stringify([{ ...rdpOffice, allowedSources: { kind: "prefixes", prefixes: ["0.0.0.0/1", "128.0.0.0/1"] } }]) })
      .where("vm_id", "=", demo.web01.toLowerCase())
      .execute();
    try {
      const res = await requestAccess(bff, dev, { ...valid, ports: [{ port: 3389 }], sources: { kind: "ranges", prefixes: ["203.0.113.7"] } });
      expect(res.status).toBe(409);
      expect(res.body.error.details).toMatchObject({ reason: "PolicyInvalid" });
      // Named as the policy's API names them (what an admin edits), in the one field-path spelling.
      const fields = (res.body.error.details.problems as Array<{ field: string }>).map((p) => p.field);
      expect(fields.length).toBeGreaterThan(0);
      for (const field of fields) expect(field).toMatch(/^ports\[0\]\.(allowedSources|maxRequestDuration|port|protocol)/);
      await expectNothingWritten();
    } finally {
      await enablePolicy(bff, [demo.web01], [sshPerRequest, rdpOffice]);
    }
  });

  it("the policy API stores justificationRequired; a PUT without it keeps the stored value", async () => {
    const put = (body: object) => request(bff.app).put("/api/policies").set("authorization", admin).send(body);
    const read = async () => (await request(bff.app).get("/api/policies/vm").query({ vmId: demo.web04 }).set("authorization", admin)).body;
    expect((await put({ vmIds: [demo.web04], ports: [sshPerRequest], justificationRequired: true })).status).toBe(200);
    expect(await read()).toMatchObject({ justificationRequired: true, version: 1 });
    expect((await put({ vmIds: [demo.web04], ports: [sshPerRequest] })).status).toBe(200);
    expect(await read()).toMatchObject({ justificationRequired: true, version: 2 });
    expect((await put({ vmIds: [demo.web04], ports: [sshPerRequest], justificationRequired: false })).status).toBe(200);
    expect(await read()).toMatchObject({ justificationRequired: false, version: 3 });
    await bff.policies.remove([demo.web04], { actor: { oid: "test", name: "test", ip: null }, correlationId: null });
  });

  it("a VM without a policy is a 404 naming the vmId, before any ARM call", async () => {
    const res = await requestAccess(bff, dev, { ...valid, vmId: demo.web03 });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(`VM ${demo.web03} has no JIT policy: access cannot be requested until an admin enables JIT on it`);
    expect(res.body.error.details).toMatchObject({ vmId: demo.web03, problems: [{ field: "vmId", rule: "has no JIT policy" }] });
    expect(emulator.control.counters().requests).toBe(0);
    await expectNothingWritten();
  });

  it("a VM outside the caller's scope is a 403 with no ARM call", async () => {
    await enablePolicy(bff, [demo.app01], [sshPerRequest]);
    emulator.control.resetCounters();
    const res = await requestAccess(bff, dev, { ...valid, vmId: demo.app01 });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe(`Missing permission jit.request.create at scope ${demo.app01}`);
    expect(emulator.control.counters().requests).toBe(0);
    await expectNothingWritten();
  });

  it("My IP is the TCP peer: an X-Forwarded-For from an untrusted hop is ignored, for the grant's source too (IPv4)", async () => {
    const ip = await request(bff.app).get("/api/requests/my-ip").set("authorization", dev).set("x-forwarded-for", "203.0.113.50");
    expect(ip.body).toEqual({ ip: "127.0.0.1" });
    const res = await requestAccess(bff, admin, valid, "203.0.113.50");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.sourcePrefixes).toEqual(["127.0.0.1/32"]);
    await bff.database.kysely.deleteFrom("jit_grant").execute();
  });

  it("My IP is the TCP peer over IPv6 too: a forged X-Forwarded-For is ignored", async () => {
    const server: Server = createServer(bff.app);
    await new Promise<void>((resolve) => server.listen(0, "::1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://[::1]:${port}/api/requests/my-ip`, { headers: { authorization: dev, "x-forwarded-for": "2001:db8::66" } });
      expect(await res.json()).toEqual({ ip: "::1" });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("My IP behind trusted proxies", () => {
  const fakeRequest = (remoteAddress: string, forwardedFor?: string) =>
    ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { "x-forwarded-for": forwardedFor } }) as unknown as Request;
  const trusted = trustedProxyList(["loopback", "10.0.0.0/8"]);

  it.each([
    ["a trusted IPv4 proxy's entry", "127.0.0.1", "203.0.113.9", "203.0.113.9"],
    ["a client's forged entry left of the proxy's", "127.0.0.1", "198.51.100.1, 203.0.113.9", "203.0.113.9"],
    ["two trusted hops", "10.1.2.3", "203.0.113.9, 127.0.0.1", "203.0.113.9"],
    ["an untrusted peer's header", "198.51.100.20", "203.0.113.9", "198.51.100.20"],
    ["a trusted IPv6 proxy's entry", "::1", "2001:db8::9", "2001:db8::9"],
    ["an untrusted IPv6 peer's header", "2001:db8::20", "2001:db8::9", "2001:db8::20"],
    ["an IPv4-mapped peer", "::ffff:127.0.0.1", "203.0.113.9", "203.0.113.9"],
  ])("%s", (_case, peer, header, expected) => {
    expect(resolveRequestIp(fakeRequest(peer, header), trusted)).toBe(expected);
  });

  it("TRUST_PROXY's names stand for their ranges", () => {
    expect(trustedProxyList(["loopback", "192.0.2.1"])).toEqual(["127.0.0.0/8", "::1/128", "192.0.2.1"]);
  });
});
