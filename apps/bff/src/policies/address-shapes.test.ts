import type { Grant } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createManualClock } from "../test-support/manual-clock.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { allowRules, requestAccess, threeHoursMs } from "../test-support/requests.ts";
import { demoNsgId, demoVmId, rulesNow, ssh } from "../test-support/policies.ts";

/**
 * Every address shape Azure gives a NIC, through the API, the SDK and the emulator: vm-prod-app-05's NIC has a
 * primary IP, a secondary ip configuration holding the prefix 10.10.2.240/28 (the shape of Azure's
 * NetworkInterfaceGet example) and a public IP; vm-prod-app-02 has two NICs behind different NSGs.
 */
describe("VMs whose NICs hold prefixes, several ip configurations or several NICs", () => {
  const clock = createManualClock(new Date("2030-05-01T08:00:00.000Z"));
  const app05 = demoVmId("rg-app-prod", "vm-prod-app-05");
  const nsgApp05 = demoNsgId("rg-app-prod", "nsg-vm-prod-app-05");
  const app02 = demoVmId("rg-app-prod", "vm-prod-app-02");
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator, { clock });
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
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
    await request(bff.app).post("/api/inventory/refresh").set("authorization", admin);
  });

  const row = async (name: string) => {
    for (const tab of ["recommended", "configured", "none"]) {
      const res = await request(bff.app).get("/api/inventory/vms").query({ tab, pageSize: 500 }).set("authorization", admin);
      const found = (res.body.items as Array<{ name: string; tab: string; privateIps: string[]; exposure: Array<{ port: number; ruleName: string }> }>).find((vm) => vm.name === name);
      if (found !== undefined) return found;
    }
    throw new Error(`no row for ${name}`);
  };

  it("the prefix is listed and its exposure counted; enable, request, expiry, revoke and remove cover the prefix and put the NSG back", async () => {
    const listed = await row("vm-prod-app-05");
    expect(listed).toMatchObject({ tab: "recommended", exposure: [expect.objectContaining({ port: 22, ruleName: "Allow-SSH-Containers" })] });
    expect(listed.privateIps).toEqual([expect.stringMatching(/^10\.10\.2\.\d+$/), "10.10.2.240/28"]);
    const primary = listed.privateIps[0] ?? "";
    const original = await rulesNow(bff.arm, nsgApp05);

    const enabled = await request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [app05], ports: [ssh] });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    const protectedRules = await rulesNow(bff.arm, nsgApp05);
    const deny = protectedRules.find((r) => r.name.startsWith("portcullis-jit-deny-"));
    expect(deny).toMatchObject({ access: "Deny", destinationAddressPrefixes: [primary, "10.10.2.240/28"], destinationPortRanges: ["22"] });
    // Ahead of the rule that opens SSH to the block.
    expect(deny?.priority).toBeLessThan(protectedRules.find((r) => r.name === "Allow-SSH-Containers")?.priority ?? 0);
    expect(await row("vm-prod-app-05")).toMatchObject({ tab: "configured", exposure: [] });

    const opened = await requestAccess(bff, admin, { vmId: app05, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 180 });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const grant = opened.body as Grant;
    expect(grant.connect.sshCommand).toBe(`ssh azureadmin@${primary} -p 22`);
    expect((await allowRules(bff.arm, nsgApp05)).map((r) => r.destinationAddressPrefixes)).toEqual([[primary, "10.10.2.240/28"]]);
    clock.advance(threeHoursMs);
    expect(await bff.jobs.expiry.sweep()).toMatchObject({ closed: 1 });
    expect(await rulesNow(bff.arm, nsgApp05)).toEqual(protectedRules);

    const again = (await requestAccess(bff, admin, { vmId: app05, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 })).body as Grant;
    const revoked = await request(bff.app).post(`/api/grants/${again.id}/revoke`).set("authorization", admin);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(await rulesNow(bff.arm, nsgApp05)).toEqual(protectedRules);

    const removed = await request(bff.app).post("/api/policies/remove").set("authorization", admin).send({ vmIds: [app05] });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(await rulesNow(bff.arm, nsgApp05)).toEqual(original);
    clock.advance(-threeHoursMs);
  });

  it("a Defender import of the prefix VM plans the prefix instead of refusing it as 'not an IP address'", async () => {
    const body = { properties: { virtualMachines: [{ id: app05, ports: [{ number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }] }] } };
    const res = await request(bff.app).post("/api/policies/import").query({ dryRun: "false" }).set("authorization", admin).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((await rulesNow(bff.arm, nsgApp05)).find((r) => r.name.startsWith("portcullis-jit-deny-"))?.destinationAddressPrefixes).toContain("10.10.2.240/28");
  });

  it("a VM with two NICs behind different NSGs gets its Deny rules in every NSG in front of it, each for the addresses it decides", async () => {
    const listed = await row("vm-prod-app-02");
    expect(listed.privateIps).toHaveLength(2);
    const enabled = await request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [app02], ports: [ssh] });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    const denies = async (nsgId: string) => (await rulesNow(bff.arm, nsgId)).filter((r) => r.name.startsWith("portcullis-jit-deny-")).flatMap((r) => r.destinationAddressPrefixes);
    const [nicA, nicB] = listed.privateIps;
    expect(await denies(demoNsgId("rg-app-prod", "nsg-vm-prod-app-02"))).toEqual([nicA]);
    expect(await denies(demoNsgId("rg-net-prod", "nsg-snet-web"))).toEqual([nicB]);
    expect(await row("vm-prod-app-02")).toMatchObject({ tab: "configured", exposure: [] });
  });
});
