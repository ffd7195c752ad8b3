import type { Grant, PutPoliciesResponse } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readNsg } from "../lib/azure/nsg-read.ts";
import { requestAccess } from "../test-support/requests.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { demo, ssh } from "../test-support/policies.ts";

/** "End live sessions when access ends": the NSGs' flushConnection, set while the policy stands and restored after. */
describe("ending live sessions through flushConnection", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
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
  });

  const flush = async (nsgId: string) => (await readNsg(bff.arm, nsgId)).arm.flushConnection;
  const put = (body: object) => request(bff.app).put("/api/policies").set("authorization", admin).send(body);
  const remove = (vmIds: string[]) => request(bff.app).post("/api/policies/remove").set("authorization", admin).send({ vmIds });

  it("enable sets flushConnection on the NIC and subnet NSGs; grant and revoke writes keep it true; Remove restores false", async () => {
    const enabled = await put({ vmIds: [demo.web01], ports: [ssh], endLiveSessions: true });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    expect((enabled.body as PutPoliciesResponse).policies[0]).toMatchObject({ endLiveSessions: true });
    expect(await flush(demo.nsgWeb01)).toBe(true);
    expect(await flush(demo.nsgSnetWeb)).toBe(true);

    const grant = (await requestAccess(bff, admin, { vmId: demo.web01, ports: [{ port: 22 }], sources: { kind: "ranges", prefixes: ["198.51.100.7"] }, durationMinutes: 60 })).body as Grant;
    expect(grant.status).toBe("open");
    emulator.control.resetCounters();
    const revoked = await request(bff.app).post(`/api/grants/${grant.id}/revoke`).set("authorization", admin);
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    // The revoke rewrote both NSGs (a whole-NSG PUT resets what it omits): each write carried flushConnection: true.
    expect(Object.keys(emulator.control.counters().writesByNsg)).toHaveLength(2);
    expect(await flush(demo.nsgWeb01)).toBe(true);
    expect(await flush(demo.nsgSnetWeb)).toBe(true);

    const removed = await remove([demo.web01]);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(await flush(demo.nsgWeb01)).toBe(false);
    expect(await flush(demo.nsgSnetWeb)).toBe(false);
  });

  it("an NSG shared by two such policies keeps flushConnection until the last one is removed; an NSG that had it keeps it", async () => {
    // Someone set flushConnection on the NIC NSG of web02 before Portcullis.
    const nic02 = await readNsg(bff.arm, demo.nsgWeb02);
    await bff.arm.network(demo.web02.split("/")[2] ?? "").networkSecurityGroups.beginCreateOrUpdateAndWait("rg-web-prod", "nsg-vm-prod-web-02", { ...nic02.arm, flushConnection: true });

    expect((await put({ vmIds: [demo.web01, demo.web02], ports: [ssh], endLiveSessions: true })).status).toBe(200);
    expect(await flush(demo.nsgSnetWeb)).toBe(true);
    expect((await remove([demo.web01])).status).toBe(200);
    expect(await flush(demo.nsgWeb01)).toBe(false);
    expect(await flush(demo.nsgSnetWeb)).toBe(true);
    expect((await remove([demo.web02])).status).toBe(200);
    expect(await flush(demo.nsgSnetWeb)).toBe(false);
    expect(await flush(demo.nsgWeb02)).toBe(true);
  });

  it("turning the option off in an edit restores the previous values; a policy without it leaves flushConnection alone", async () => {
    expect((await put({ vmIds: [demo.app01], ports: [ssh], endLiveSessions: true })).status).toBe(200);
    expect(await flush(demo.nsgApp01)).toBe(true);
    const edited = await put({ vmIds: [demo.app01], ports: [ssh], endLiveSessions: false });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(await flush(demo.nsgApp01)).toBe(false);
    expect((await put({ vmIds: [demo.app03], ports: [ssh] })).status).toBe(200);
    expect(await flush(demo.nsgApp03)).toBe(false);
  });
});
