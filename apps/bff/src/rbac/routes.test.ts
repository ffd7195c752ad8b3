import { demoExpectations, demoSubscriptions } from "@portcullis/azure-emulator";
import type { ListVmsResponse, RoleAssignment } from "@portcullis/contract";
import { demoUsers } from "@portcullis/local-issuer";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";
import { demoAssignments, demoEstate, seedDemoAssignments } from "./demo-assignments.ts";

const prod = `/subscriptions/${demoSubscriptions.prod.id}`;
const dev = demoUsers.find((u) => u.username === "dev@contoso.test");

describe("role assignments", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let admin: string;
  let developer: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
    developer = `Bearer ${await signInAs(bff, "dev@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  const create = (body: object) => request(bff.app).post("/api/rbac/assignments").set("authorization", admin).send(body);
  const listAs = async (auth: string) => {
    const res = await request(bff.app).get("/api/inventory/vms").query({ tab: "recommended", pageSize: 500 }).set("authorization", auth);
    expect(res.status).toBe(200);
    return res.body as ListVmsResponse;
  };

  it("seeds dev@contoso.test as Requester on Contoso-Dev and on the production web tier", async () => {
    const res = await request(bff.app).get("/api/rbac/assignments").set("authorization", admin);
    expect(res.status).toBe(200);
    expect((res.body.items as RoleAssignment[]).map((a) => [a.principalId, a.role, a.scope])).toEqual([
      [dev?.oid, "Requester", `/subscriptions/${demoSubscriptions.dev.id}`],
      [dev?.oid, "Requester", `${prod}/resourcegroups/rg-web-prod`],
    ]);
    expect(demoEstate.contosoDev).toBe(demoSubscriptions.dev.id);
    expect(demoEstate.contosoProd).toBe(demoSubscriptions.prod.id);
    const webTier = demoExpectations.vms.filter((vm) => vm.resourceGroup === demoEstate.prodWebResourceGroup && vm.tab === "Recommended");
    expect(webTier.length).toBeGreaterThan(0);
  });

  it("lists for dev@contoso.test only the VMs in their scopes, with counts and facets of those", async () => {
    const page = await listAs(developer);
    const expected = demoExpectations.vms.filter(
      (vm) => vm.tab === "Recommended" && (vm.subscriptionId === demoSubscriptions.dev.id || vm.resourceGroup === "rg-web-prod"),
    );
    expect(page.items.map((vm) => vm.name).sort()).toEqual(expected.map((vm) => vm.name).sort());
    expect(page.items.map((vm) => vm.name)).not.toContain("vm-prod-app-01");
    expect(page.counts.recommended).toBe(expected.length);
    expect(page.facets.subscriptions.map((s) => s.name)).toEqual(["Contoso-Dev", "Contoso-Prod"]);
    expect(page.facets.resourceGroups).not.toContain("rg-app-prod");
    for (const vm of page.items) expect(vm.callerPermissions).toEqual(["jit.vm.read", "jit.request.create"]);
  });

  it("creates an assignment for a group, which applies to its members at once, and deletes it", async () => {
    const scope = `${prod}/resourceGroups/RG-App-Prod`;
    const created = await create({ principalType: "group", principalId: "GRP-Developers", principalName: "Developers", role: "Requester", scope });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ principalType: "group", principalId: "grp-developers", role: "Requester", scope: scope.toLowerCase(), createdBy: "Alex Admin" });
    expect(created.headers["location"]).toBe(`/api/rbac/assignments/${created.body.id}`);
    expect((await listAs(developer)).items.map((vm) => vm.name)).toContain("vm-prod-app-01");
    const me = await request(bff.app).get("/api/me").set("authorization", developer);
    expect((me.body.assignments as RoleAssignment[]).map((a) => a.id)).toContain(created.body.id);

    const deleted = await request(bff.app).delete(`/api/rbac/assignments/${created.body.id}`).set("authorization", admin);
    expect(deleted.status).toBe(204);
    expect((await listAs(developer)).items.map((vm) => vm.name)).not.toContain("vm-prod-app-01");
    expect((await request(bff.app).delete(`/api/rbac/assignments/${created.body.id}`).set("authorization", admin)).status).toBe(404);
  });

  it("answers a duplicate (in any letter case) with 409", async () => {
    const body = { principalType: "user", principalId: "0e0e0e0e-0000-4000-8000-00000000abcd", principalName: "Pat", role: "Auditor", scope: prod };
    expect((await create(body)).status).toBe(201);
    const again = await create({ ...body, principalId: body.principalId.toUpperCase(), scope: prod.toUpperCase().replace("/SUBSCRIPTIONS", "/subscriptions") });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("Conflict");
  });

  it.each([
    [{ scope: "/subscriptions/not-a-guid" }, "scope: must be /, /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{name} or a virtual machine id"],
    [{ scope: `${prod}/` }, "scope: must be /"],
    [{ scope: `${prod}/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg` }, "scope: must be /"],
    [{ role: "Owner" }, "role: must be one of Admin, Requester, Approver, Auditor"],
    [{ principalType: "app" }, "principalType: must be one of user, group"],
    [{ principalId: "" }, "principalId: must be at least 1 characters"],
    [{ principalName: undefined }, "principalName: is required"],
  ])("answers %o with 400 naming the field", async (change, message) => {
    const res = await create({ principalType: "user", principalId: "x", principalName: "X", role: "Requester", scope: "/", ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });

  it.each(["00000000-0000-4000-8000-000000000000", "not-a-uuid"])("answers DELETE of unknown id %s with 404", async (id) => {
    const res = await request(bff.app).delete(`/api/rbac/assignments/${id}`).set("authorization", admin);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(`No role assignment ${id}`);
  });

  it("seeds only an empty table", async () => {
    const before = await bff.assignments.count();
    await seedDemoAssignments(bff.assignments, createLogger("silent"));
    expect(await bff.assignments.count()).toBe(before);
    expect(demoAssignments()).toHaveLength(2);
  });
});
