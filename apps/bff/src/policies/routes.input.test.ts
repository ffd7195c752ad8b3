import type { ExportPoliciesResponse, ImportPoliciesResponse, ListPoliciesResponse, VmPropertiesResponse } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../lib/audit/audit-events.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { demo, demoVmId, dev, rdp, ssh } from "../test-support/policies.ts";

describe("policy input, permissions, import and export", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;
  let requester: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    requester = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });
  beforeEach(async () => {
    emulator.control.reset();
    await bff.database.kysely.deleteFrom("jit_policy").execute();
  });

  const put = (body: object, auth = admin) => request(bff.app).put("/api/policies").set("authorization", auth).send(body);
  const port = (overrides: object) => ({ ...ssh, ...overrides });

  it.each([
    ["a port outside 0-65535", "ports[0].port", { ports: [port({ port: 65536 })] }],
    ["a repeated port", "ports[1].port", { ports: [ssh, port({ protocol: "Any" })] }],
    ["an unknown protocol", "ports[0].protocol", { ports: [port({ protocol: "ICMP" })] }],
    ["a CIDR with host bits set", "ports[0].allowedSources.prefixes[0]", { ports: [port({ allowedSources: { kind: "prefixes", prefixes: ["203.0.113.7/24"] } })] }],
    ["a malformed CIDR", "ports[0].allowedSources.prefixes[0]", { ports: [port({ allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/33"] } })] }],
    ["0.0.0.0/0 without kind any", "ports[0].allowedSources.prefixes[1]", { ports: [port({ allowedSources: { kind: "prefixes", prefixes: ["10.0.0.0/8", "0.0.0.0/0"] } })] }],
    ["::/0 without kind any", "ports[0].allowedSources.prefixes[0]", { ports: [port({ allowedSources: { kind: "prefixes", prefixes: ["::/0"] } })] }],
    ["* without kind any", "ports[0].allowedSources.prefixes[0]", { ports: [port({ allowedSources: { kind: "prefixes", prefixes: ["*"] } })] }],
    ["two /1s (all of IPv4) without kind any", "ports[0].allowedSources.prefixes", { ports: [port({ allowedSources: { kind: "prefixes", prefixes: ["0.0.0.0/1", "128.0.0.0/1"] } })] }],
    ["four /2s (all of IPv4) without kind any", "ports[0].allowedSources.prefixes", { ports: [port({ allowedSources: { kind: "prefixes", prefixes: ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"] } })] }],
    ["::/1 and 8000::/1 without kind any", "ports[0].allowedSources.prefixes", { ports: [port({ allowedSources: { kind: "prefixes", prefixes: ["::/1", "8000::/1"] } })] }],
    ["a per-request limit wider than /8", "ports[0].allowedSources.maxPrefixSize.ipv4", { ports: [port({ allowedSources: { kind: "per-request", maxPrefixSize: { ipv4: 1, ipv6: 56 } } })] }],
    ["a per-request IPv6 limit past /128", "ports[0].allowedSources.maxPrefixSize.ipv6", { ports: [port({ allowedSources: { kind: "per-request", maxPrefixSize: { ipv4: 24, ipv6: 200 } } })] }],
    ["a maximum under 5 minutes", "ports[0].maxRequestDuration", { ports: [port({ maxRequestDuration: "PT4M" })] }],
    ["a maximum over 24 hours", "ports[0].maxRequestDuration", { ports: [port({ maxRequestDuration: "P2D" })] }],
    ["a maximum that is not ISO-8601", "ports[0].maxRequestDuration", { ports: [port({ maxRequestDuration: "3h" })] }],
    ["no ports", "ports", { ports: [] }],
    ["a VM id that is not one", "vmIds[0]", { vmIds: ["vm-prod-app-01"] }],
    ["a VM listed twice", "vmIds[1]", { vmIds: [demo.app01, demo.app01.toUpperCase()] }],
  ])("refuses %s with a 400 naming %s, and touches nothing", async (_case, field, overrides) => {
    emulator.control.resetCounters();
    const res = await put({ vmIds: [demo.app01], ports: [ssh], ...overrides });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details.problems.map((p: { field: string }) => p.field)).toContain(field);
    expect(emulator.control.counters()).toMatchObject({ requests: 0, writes: 0 });
  });

  it("names a field the schema refuses deep in an array in the contract's spelling, in the message and the problems", async () => {
    const tooLong = "203.0.113.0/24".padEnd(65, "0");
    const res = await put({ vmIds: [demo.app01], ports: [ssh, { ...rdp, allowedSources: { kind: "prefixes", prefixes: [tooLong] } }] });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.message).toBe("ports[1].allowedSources.prefixes[0]: must be at most 64 characters");
    expect(res.body.error.details).toEqual({ problems: [{ field: "ports[1].allowedSources.prefixes[0]", rule: "must be at most 64 characters" }] });
  });

  it("refuses a VM with no NSG with a 400 naming the VM, writing nothing and recording the failure", async () => {
    emulator.control.resetCounters();
    const res = await put({ vmIds: [demo.app04NoNsg], ports: [ssh] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/vm-prod-app-04.*no NSG/);
    expect(emulator.control.counters().writes).toBe(0);
    expect(await listAuditEvents(bff.database.kysely, { correlationId: res.headers["x-request-id"] ?? "none" })).toMatchObject([{ vmId: demo.app04NoNsg.toLowerCase(), action: "policy.enabled", outcome: "failure" }]);
  });

  it("answers 404 for a VM Azure does not know, writing nothing", async () => {
    emulator.control.resetCounters();
    const res = await put({ vmIds: [demoVmId("rg-app-prod", "vm-does-not-exist")], ports: [ssh] });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/vm-does-not-exist was not found/);
    expect(emulator.control.counters().writes).toBe(0);
  });

  it("gives a Requester 403 on PUT before any ARM call", async () => {
    emulator.control.resetCounters();
    const res = await put({ vmIds: [demo.web01], ports: [ssh] }, requester);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/jit\.policy\.write/);
    expect(emulator.control.counters().requests).toBe(0);
  });

  it("lists only the policies a caller may read, and 404s a VM without one", async () => {
    expect((await put({ vmIds: [demo.web01, demo.app01], ports: [ssh] })).status).toBe(200);
    const mine = await request(bff.app).get("/api/policies").set("authorization", requester);
    expect((mine.body as ListPoliciesResponse).items.map((p) => p.vmName)).toEqual(["vm-prod-web-01"]);
    const all = await request(bff.app).get("/api/policies").set("authorization", admin);
    expect((all.body as ListPoliciesResponse).items.map((p) => p.vmName).sort()).toEqual(["vm-prod-app-01", "vm-prod-web-01"]);
    expect((await request(bff.app).get("/api/policies/vm").query({ vmId: demo.app01 }).set("authorization", requester)).status).toBe(403);
    expect((await request(bff.app).get("/api/policies/vm").query({ vmId: demo.web02 }).set("authorization", admin)).status).toBe(404);
  });

  it("shows a VM's NICs, NSGs and rules now, JIT rules marked", async () => {
    expect((await put({ vmIds: [demo.web02], ports: [ssh] })).status).toBe(200);
    const res = await request(bff.app).get("/api/vms/properties").query({ vmId: demo.web02 }).set("authorization", admin);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as VmPropertiesResponse;
    expect(body.vm).toMatchObject({ name: "vm-prod-web-02", osType: "Linux", location: "westeurope" });
    expect(body.nics[0]?.privateIps.length).toBeGreaterThan(0);
    expect(body.nsgs.map((n) => [n.name, n.attachment]).sort()).toEqual([
      ["nsg-snet-web", "subnet"],
      ["nsg-vm-prod-web-02", "nic"],
    ]);
    for (const nsg of body.nsgs) {
      expect(nsg.rules.filter((r) => r.jit).every((r) => r.name.startsWith("portcullis-jit-"))).toBe(true);
      expect(nsg.rules.some((r) => r.jit && r.access === "Deny")).toBe(true);
      expect(nsg.rules.some((r) => !r.jit)).toBe(true);
    }
    expect(body.policy).toMatchObject({ vmName: "vm-prod-web-02", ports: [ssh] });
  });

  it("imports a Defender export: the dry run plans and writes nothing, the real run writes and records", async () => {
    const file = {
      value: [
        {
          name: "default",
          location: "westeurope",
          kind: "Basic",
          properties: {
            virtualMachines: [
              { id: demo.app03, ports: [{ number: 3389, protocol: "*", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }] },
              { id: demo.app01, ports: [{ number: 22, protocol: "TCP", allowedSourceAddressPrefixes: ["203.0.113.0/24", "198.51.100.0/24"], maxRequestAccessDuration: "PT30M" }] },
            ],
          },
        },
      ],
    };
    emulator.control.resetCounters();
    const dry = await request(bff.app).post("/api/policies/import").query({ dryRun: "true" }).set("authorization", admin).send(file);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    const planned = dry.body as ImportPoliciesResponse;
    expect(planned.dryRun).toBe(true);
    expect(planned.policies).toEqual([
      { vmId: demo.app03, ports: [{ port: 3389, protocol: "Any", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }] },
      { vmId: demo.app01, ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "prefixes", prefixes: ["203.0.113.0/24", "198.51.100.0/24"] }, maxRequestDuration: "PT30M" }] },
    ]);
    expect(planned.nsgs.map((n) => n.nsgName).sort()).toEqual(["nsg-vm-prod-app-01", "nsg-vm-prod-app-03"]);
    expect(emulator.control.counters().writes).toBe(0);
    expect(await bff.database.kysely.selectFrom("jit_policy").selectAll().execute()).toEqual([]);

    const real = await request(bff.app).post("/api/policies/import").query({ dryRun: "false" }).set("authorization", admin).send(file);
    expect(real.status, JSON.stringify(real.body)).toBe(200);
    expect(real.body).toMatchObject({ dryRun: false });
    expect(emulator.control.counters().writes).toBe(2);
    const events = await listAuditEvents(bff.database.kysely, { correlationId: real.headers["x-request-id"] ?? "none" });
    expect(events.map((e) => [e.vmId, e.action, e.outcome])).toEqual([
      [demo.app03.toLowerCase(), "policy.imported", "success"],
      [demo.app01.toLowerCase(), "policy.imported", "success"],
    ]);

    const exported = await request(bff.app).get("/api/policies/export").set("authorization", admin);
    const body = exported.body as ExportPoliciesResponse;
    expect(body.value).toHaveLength(1);
    expect(body.value[0]?.id).toMatch(/\/resourceGroups\/rg-app-prod\/providers\/Microsoft\.Security\/locations\/westeurope\/jitNetworkAccessPolicies\/default$/);
    expect(body.value[0]?.properties.virtualMachines.map((v) => v.id).sort()).toEqual([demo.app01, demo.app03].sort());
    const one = await request(bff.app).get("/api/policies/export").query({ vmId: demo.app03 }).set("authorization", admin);
    expect((one.body as ExportPoliciesResponse).value[0]?.properties.virtualMachines).toEqual([
      { id: demo.app03, ports: [{ number: 3389, protocol: "*", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }] },
    ]);
  });

  it("refuses an import file outside the schema with a 400 naming the path, and a Requester with 403", async () => {
    const bad = await request(bff.app)
      .post("/api/policies/import")
      .set("authorization", admin)
      .send({ properties: { virtualMachines: [{ id: demo.app01, ports: [{ number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "forever" }] }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems.map((p: { field: string }) => p.field)).toEqual(["properties.virtualMachines[0].ports[0].maxRequestAccessDuration"]);
    const devVm = demoVmId("rg-dev-sandbox", "vm-dev-sbx-01", dev);
    const forbidden = await request(bff.app)
      .post("/api/policies/import")
      .set("authorization", requester)
      .send({ properties: { virtualMachines: [{ id: devVm, ports: [{ number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }] }] } });
    expect(forbidden.status).toBe(403);
  });

  it("previews an edit as the NSG changes it would make, writing nothing", async () => {
    expect((await put({ vmIds: [demo.app01], ports: [ssh] })).status).toBe(200);
    emulator.control.resetCounters();
    const same = await request(bff.app).post("/api/policies/preview").set("authorization", admin).send({ vmIds: [demo.app01], ports: [ssh] });
    expect(same.body).toEqual({ nsgs: [], unchangedVmIds: [demo.app01] });
    const wider = await request(bff.app).post("/api/policies/preview").set("authorization", admin).send({ vmIds: [demo.app01], ports: [ssh, rdp] });
    expect(wider.body.unchangedVmIds).toEqual([]);
    expect(wider.body.nsgs[0].updated.length + wider.body.nsgs[0].added.length).toBeGreaterThan(0);
    expect(emulator.control.counters().writes).toBe(0);
  });
});
