import type { ListVmsResponse, VmRow } from "@portcullis/contract";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demo, ssh } from "../test-support/policies.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { accessDetails } from "../test-support/audit.ts";

const dana = { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e02", name: "Dana Developer", ip: null };

/** The Configured tab's columns computed from the log: approved requests in 7 days, last access, last user. */
describe("activity figures on the inventory's Configured rows", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;
  let developer: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    developer = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
    const enabled = await request(bff.app).put("/api/policies").set("authorization", admin).send({ vmIds: [demo.web01, demo.web02], ports: [ssh] });
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  const configured = async (auth: string): Promise<VmRow[]> => {
    const res = await request(bff.app).get("/api/inventory/vms").query({ tab: "configured", pageSize: 500 }).set("authorization", auth);
    expect(res.status).toBe(200);
    return (res.body as ListVmsResponse).items;
  };

  it("counts opened requests per VM and names the latest access and its user", async () => {
    for (let i = 0; i < 3; i++) await bff.audit.record(bff.database.kysely, { actor: dana, action: "request.opened", outcome: "success", vmId: demo.web01, details: accessDetails() });
    await bff.audit.record(bff.database.kysely, { actor: dana, action: "request.opened", outcome: "failure", vmId: demo.web01, details: accessDetails(), error: "NSG busy" });
    const last = await bff.database.kysely.selectFrom("audit_event").select("at").where("action", "=", "request.opened").where("outcome", "=", "success").orderBy("seq", "desc").executeTakeFirstOrThrow();

    const rows = await configured(admin);
    expect(rows.find((vm) => vm.name === "vm-prod-web-01")?.activity).toEqual({ approvedLast7Days: 3, lastAccessAt: new Date(last.at).toISOString(), lastUser: "Dana Developer" });
    expect(rows.find((vm) => vm.name === "vm-prod-web-02")?.activity).toEqual({ approvedLast7Days: 0, lastAccessAt: null, lastUser: null });
  });

  it("leaves them out (null) for a caller who may not read the VM's activity", async () => {
    const rows = await configured(developer);
    expect(rows.map((vm) => vm.name).sort()).toEqual(["vm-prod-web-01", "vm-prod-web-02"]);
    expect(rows.every((vm) => vm.activity === null)).toBe(true);
  });

  it("adds nothing to the other tabs", async () => {
    const res = await request(bff.app).get("/api/inventory/vms").query({ tab: "recommended" }).set("authorization", admin);
    expect((res.body as ListVmsResponse).items.every((vm) => vm.activity === undefined)).toBe(true);
  });
});
