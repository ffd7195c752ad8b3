import type { InventoryTab, ListVmsQuery, VmSummary } from "@portcullis/contract";
import { ListVmsQuerySchema } from "@portcullis/contract";
import { describe, expect, it } from "vitest";
import { buildInventoryView, queryInventoryView, type VmAccess } from "./inventory-view.ts";

const subscriptions = [
  { id: "sub-b", name: "Beta" },
  { id: "sub-a", name: "Alpha" },
];

function vm(name: string, resourceGroup: string, subscriptionId: string, tab: InventoryTab): VmSummary {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`,
    name,
    resourceGroup,
    subscriptionId,
    subscriptionName: subscriptions.find((s) => s.id === subscriptionId)?.name ?? subscriptionId,
    location: "westeurope",
    osType: "Linux",
    vmSize: null,
    scaleSetInstance: false,
    privateIps: [],
    nsgs: [],
    tab,
    reason: "r",
    exposure: [],
  };
}

const estate = [
  vm("web-10", "rg-web", "sub-a", "recommended"),
  vm("web-2", "RG-WEB", "sub-b", "recommended"),
  vm("db-1", "rg-data", "sub-b", "recommended"),
  vm("Web-1", "rg-data", "sub-a", "recommended"),
  vm("jump", "rg-ops", "sub-a", "configured"),
  vm("legacy", "rg-ops", "sub-b", "none"),
];
const view = buildInventoryView(estate, subscriptions, new Date("2026-01-02T03:04:05Z"));
const everything: VmAccess = { readsAll: true, canRead: () => true, canReadSubscription: () => true, permissionsOn: () => ["jit.vm.read"] };

function names(query: Partial<ListVmsQuery>): string[] {
  return queryInventoryView(view, ListVmsQuerySchema.parse({ tab: "recommended", ...query }), everything).items.map((v) => v.name);
}

describe("the inventory view", () => {
  it("counts each tab before filters and lists the facets of the whole estate", () => {
    const page = queryInventoryView(view, ListVmsQuerySchema.parse({ tab: "none", q: "nothing-matches" }), everything);
    expect(page.counts).toEqual({ configured: 1, recommended: 4, none: 1 });
    expect(page.total).toBe(0);
    expect(page.facets.subscriptions).toEqual([
      { id: "sub-a", name: "Alpha" },
      { id: "sub-b", name: "Beta" },
    ]);
    expect(page.facets.resourceGroups).toEqual(["rg-data", "rg-ops", "rg-web"]);
    expect(page.refreshedAt).toBe("2026-01-02T03:04:05.000Z");
  });

  it.each<[Partial<ListVmsQuery>, string[]]>([
    [{}, ["db-1", "Web-1", "web-2", "web-10"]],
    [{ order: "desc" }, ["web-10", "web-2", "Web-1", "db-1"]],
    [{ sort: "resourceGroup" }, ["db-1", "Web-1", "web-2", "web-10"]],
    [{ sort: "resourceGroup", order: "desc" }, ["web-2", "web-10", "db-1", "Web-1"]],
    [{ sort: "subscription" }, ["Web-1", "web-10", "db-1", "web-2"]],
    [{ sort: "subscription", order: "desc" }, ["db-1", "web-2", "Web-1", "web-10"]],
  ])("sorts by %o, ties by name ascending", (query, expected) => {
    expect(names(query)).toEqual(expected);
  });

  it.each<[Partial<ListVmsQuery>, string[]]>([
    [{ q: "WEB" }, ["Web-1", "web-2", "web-10"]],
    [{ q: "b-1" }, ["db-1", "Web-1", "web-10"]],
    [{ subscription: "SUB-A" }, ["Web-1", "web-10"]],
    [{ resourceGroup: "rg-web" }, ["web-2", "web-10"]],
    [{ resourceGroup: "rg-data", q: "web" }, ["Web-1"]],
    [{ subscription: "" }, ["db-1", "Web-1", "web-2", "web-10"]],
  ])("filters by %o", (query, expected) => {
    expect(names(query)).toEqual(expected);
  });

  it("pages through the matching rows and reports their total", () => {
    const second = queryInventoryView(view, ListVmsQuerySchema.parse({ tab: "recommended", page: 2, pageSize: 3 }), everything);
    expect(second.items.map((v) => v.name)).toEqual(["web-10"]);
    expect(second).toMatchObject({ page: 2, pageSize: 3, total: 4 });
    expect(names({ page: 3, pageSize: 3 })).toEqual([]);
  });

  describe("for a caller with scoped access", () => {
    // Reads sub-a's rg-data and the single VM `legacy`; everything else is out of scope.
    const scoped: VmAccess = {
      readsAll: false,
      canRead: (vm) => (vm.subscriptionId === "sub-a" && vm.resourceGroup === "rg-data") || vm.name === "legacy",
      canReadSubscription: () => false,
      permissionsOn: (vm) => (vm.name === "legacy" ? ["jit.vm.read"] : ["jit.vm.read", "jit.request.create"]),
    };

    it("lists only the VMs in scope, with counts and facets of what it may see", () => {
      const page = queryInventoryView(view, ListVmsQuerySchema.parse({ tab: "recommended" }), scoped);
      expect(page.items.map((v) => v.name)).toEqual(["Web-1"]);
      expect(page.total).toBe(1);
      expect(page.counts).toEqual({ configured: 0, recommended: 1, none: 1 });
      expect(page.facets.subscriptions).toEqual([
        { id: "sub-a", name: "Alpha" },
        { id: "sub-b", name: "Beta" },
      ]);
      expect(page.facets.resourceGroups).toEqual(["rg-data", "rg-ops"]);
    });

    it("gives each row the caller's permissions on that VM", () => {
      const none = queryInventoryView(view, ListVmsQuerySchema.parse({ tab: "none" }), scoped);
      expect(none.items.map((v) => [v.name, v.callerPermissions])).toEqual([["legacy", ["jit.vm.read"]]]);
      const recommended = queryInventoryView(view, ListVmsQuerySchema.parse({ tab: "recommended" }), scoped);
      expect(recommended.items[0]?.callerPermissions).toEqual(["jit.vm.read", "jit.request.create"]);
    });

    it("lists a subscription it may read even when no VM of it is visible", () => {
      const subscriptionReader: VmAccess = { ...scoped, canRead: () => false, canReadSubscription: (id) => id === "sub-b" };
      const page = queryInventoryView(view, ListVmsQuerySchema.parse({ tab: "recommended" }), subscriptionReader);
      expect(page.items).toEqual([]);
      expect(page.counts).toEqual({ configured: 0, recommended: 0, none: 0 });
      expect(page.facets).toEqual({ subscriptions: [{ id: "sub-b", name: "Beta" }], resourceGroups: [] });
    });
  });

  it("answers a filtered page of a 10,000-VM estate in a few milliseconds", () => {
    const big = Array.from({ length: 10_000 }, (_, i) =>
      vm(`vm-${i}`, `rg-${i % 50}`, i % 2 === 0 ? "sub-a" : "sub-b", (["configured", "recommended", "none"] as const)[i % 3] ?? "none"),
    );
    const bigView = buildInventoryView(big, subscriptions, new Date());
    const query = ListVmsQuerySchema.parse({ tab: "recommended", q: "vm-1", sort: "resourceGroup", order: "desc", page: 2 });
    queryInventoryView(bigView, query, everything);
    const times = Array.from({ length: 5 }, () => {
      const started = performance.now();
      queryInventoryView(bigView, query, everything);
      return performance.now() - started;
    }).sort((a, b) => a - b);
    expect(times[2]).toBeLessThan(20);
  });
});
