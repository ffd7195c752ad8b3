import { demoExpectations, demoSubscriptions } from "@portcullis/azure-emulator";
import { permissions, type InventoryTab, type ListVmsResponse, type VmSummary } from "@portcullis/contract";
import { reasons } from "@portcullis/core";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectDocumented } from "../test-support/openapi-responses.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";

const tabOf = { Recommended: "recommended", "No recommendation": "none" } as const;
const expectedReason = { "no-nsg": reasons.noNsg } as const;

describe("the inventory API against the demo estate", () => {
  let emulator: TestEmulator;
  let bff: InProcessBff;
  let auth: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    bff = await assembleTestBff(emulator);
    auth = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
  });
  afterAll(async () => {
    await bff?.close();
    await emulator?.stop();
  });

  async function list(query: Record<string, string | number>): Promise<ListVmsResponse> {
    const res = expectDocumented(await request(bff.app).get("/api/inventory/vms").set("authorization", auth).query(query));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as ListVmsResponse;
  }

  it.each<InventoryTab>(["configured", "recommended", "none"])("the %s tab holds the demo VMs expected there", async (tab) => {
    const page = await list({ tab, pageSize: 500 });
    const expected = demoExpectations.vms.filter((vm) => tabOf[vm.tab] === tab).map((vm) => vm.name);
    expect(page.items.map((vm) => vm.name).sort()).toEqual([...expected].sort());
    expect(page.total).toBe(expected.length);
    expect(page.counts).toEqual({
      configured: demoExpectations.tabs.configured,
      recommended: demoExpectations.tabs.recommended,
      none: demoExpectations.tabs.noRecommendation,
    });
  });

  it("gives a tenant-wide Admin every permission on every row", async () => {
    const page = await list({ tab: "recommended", pageSize: 500 });
    expect(page.items.length).toBeGreaterThan(0);
    for (const vm of page.items) expect(vm.callerPermissions).toEqual([...permissions]);
  });

  it("gives every VM its reason and the management ports open to the Internet", async () => {
    const rows = [...(await list({ tab: "recommended", pageSize: 500 })).items, ...(await list({ tab: "none", pageSize: 500 })).items];
    const byName = new Map<string, VmSummary>(rows.map((vm) => [vm.name, vm]));
    for (const expected of demoExpectations.vms) {
      const vm = byName.get(expected.name);
      expect(vm, expected.name).toBeDefined();
      expect(vm?.reason, expected.name).not.toBe("");
      expect(vm).toMatchObject({ subscriptionId: expected.subscriptionId, resourceGroup: expected.resourceGroup, osType: expected.osType });
      if (expected.reason !== null) expect(vm?.reason, expected.name).toBe(expectedReason[expected.reason]);
      if (expected.tab === "Recommended") {
        const openPorts = [...new Set(vm?.exposure.map((e) => e.port))].sort();
        expect(openPorts, expected.name).toEqual(expected.openToInternet.map((o) => o.port).sort());
      }
    }
    expect(rows.filter((vm) => vm.exposure.length > 0 && vm.tab === "recommended")).toHaveLength(demoExpectations.vmsOpenToInternet);
  });

  it("lists both demo subscriptions and every resource group with a VM as facets", async () => {
    const { facets } = await list({ tab: "recommended" });
    expect(facets.subscriptions).toEqual(
      Object.values(demoSubscriptions)
        .map(({ id, name }) => ({ id, name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(facets.resourceGroups).toEqual([...new Set(demoExpectations.vms.map((vm) => vm.resourceGroup))].sort());
  });

  it("pages through a tab without gaps or repeats", async () => {
    const all = (await list({ tab: "recommended", pageSize: 500 })).items.map((vm) => vm.id);
    const paged: string[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 5); page++) {
      const body = await list({ tab: "recommended", pageSize: 5, page });
      expect(body).toMatchObject({ page, pageSize: 5, total: all.length });
      paged.push(...body.items.map((vm) => vm.id));
    }
    expect(paged).toEqual(all);
  });

  it.each(["name", "resourceGroup", "subscription"] as const)("sorts by %s both ways, ties by name", async (sort) => {
    const key = (vm: VmSummary) => (sort === "name" ? vm.name : sort === "resourceGroup" ? vm.resourceGroup : vm.subscriptionName);
    for (const order of ["asc", "desc"] as const) {
      const items = (await list({ tab: "recommended", sort, order, pageSize: 500 })).items;
      const sign = order === "asc" ? 1 : -1;
      for (let i = 1; i < items.length; i++) {
        const [a, b] = [items[i - 1] as VmSummary, items[i] as VmSummary];
        const primary = sign * key(a).localeCompare(key(b), "en", { numeric: true, sensitivity: "base" });
        expect(primary <= 0, `${a.name} before ${b.name} (${sort} ${order})`).toBe(true);
        if (primary === 0 && sort !== "name") expect(a.name.localeCompare(b.name, "en", { numeric: true })).toBeLessThan(0);
      }
    }
  });

  it.each([
    [{ q: "PROD-WEB" }, (vm: (typeof demoExpectations.vms)[number]) => vm.name.includes("prod-web")],
    [{ subscription: demoSubscriptions.dev.id }, (vm: (typeof demoExpectations.vms)[number]) => vm.subscriptionId === demoSubscriptions.dev.id],
    [{ resourceGroup: "RG-DEV-APPS" }, (vm: (typeof demoExpectations.vms)[number]) => vm.resourceGroup === "rg-dev-apps"],
    [{ q: "api", resourceGroup: "rg-dev-apps" }, (vm: (typeof demoExpectations.vms)[number]) => vm.name.includes("api")],
  ])("filters by %o", async (filter, predicate) => {
    const body = await list({ tab: "recommended", pageSize: 500, ...filter });
    const expected = demoExpectations.vms.filter((vm) => vm.tab === "Recommended" && predicate(vm)).map((vm) => vm.name);
    expect(expected.length).toBeGreaterThan(0);
    expect(body.items.map((vm) => vm.name).sort()).toEqual(expected.sort());
    expect(body.total).toBe(expected.length);
  });

  it.each([
    [{ tab: "everything" }, "tab: must be one of configured, recommended, none"],
    [{}, "tab: is required"],
    [{ tab: "none", pageSize: 501 }, "pageSize: must be at most 500"],
    [{ tab: "none", page: 0 }, "page: must be at least 1"],
    [{ tab: "none", sort: "size" }, "sort: must be one of name, resourceGroup, subscription"],
  ])("answers %o with 400 naming the field and the rule", async (query, message) => {
    const res = expectDocumented(await request(bff.app).get("/api/inventory/vms").set("authorization", auth).query(query));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "BadRequest", message });
  });

  it("moves a VM to Configured once a policy exists for it and the inventory is refreshed", async () => {
    const target = (await list({ tab: "recommended", q: "vm-prod-web-02" })).items[0];
    expect(target).toBeDefined();
    await bff.database.kysely
      .insertInto("jit_policy")
      .values({
        vm_id: (target as VmSummary).id.toLowerCase(),
        subscription_id: (target as VmSummary).subscriptionId,
        resource_group: (target as VmSummary).resourceGroup,
        vm_name: (target as VmSummary).name,
        rules: "[]",
        created_by: "test",
        updated_by: "test",
      })
      .execute();
    const refreshed = expectDocumented(await request(bff.app).post("/api/inventory/refresh").set("authorization", auth));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.counts).toEqual({
      configured: 1,
      recommended: demoExpectations.tabs.recommended - 1,
      none: demoExpectations.tabs.noRecommendation,
    });
    expect(Date.parse(refreshed.body.refreshedAt)).not.toBeNaN();
    const configured = await list({ tab: "configured" });
    expect(configured.items.map((vm) => [vm.name, vm.reason])).toEqual([["vm-prod-web-02", reasons.configured]]);
    await bff.database.kysely.deleteFrom("jit_policy").execute();
    await bff.inventory.policiesChanged();
    expect((await list({ tab: "configured" })).total).toBe(0);
  });

  it("serves pages from the cached snapshot and shares one ARM pass between concurrent refreshes", async () => {
    emulator.control.resetCounters();
    await request(bff.app).post("/api/inventory/refresh").set("authorization", auth).expect(200);
    const onePass = emulator.control.counters().reads;
    expect(onePass).toBeGreaterThan(0);

    emulator.control.resetCounters();
    await Promise.all(Array.from({ length: 5 }, () => request(bff.app).post("/api/inventory/refresh").set("authorization", auth).expect(200)));
    expect(emulator.control.counters().reads).toBe(onePass);

    emulator.control.resetCounters();
    await list({ tab: "none" });
    await list({ tab: "recommended", sort: "subscription" });
    expect(emulator.control.counters().reads).toBe(0);
  });
});
