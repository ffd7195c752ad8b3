import { describe, expect, it } from "vitest";
import { hashKey, partialMatchKey } from "@tanstack/react-query";
import type { ListVmsQuery } from "@portcullis/contract";
import { inventoryKeys } from "./inventory-keys.ts";

const base: ListVmsQuery = { tab: "recommended", sort: "name", order: "asc", page: 1, pageSize: 25 };

describe("inventoryKeys", () => {
  it.each<[string, Partial<ListVmsQuery>]>([
    ["another tab", { tab: "none" }],
    ["a name filter", { q: "web" }],
    ["a subscription filter", { subscription: "00000000-0000-0000-0000-000000000001" }],
    ["a resource group filter", { resourceGroup: "rg-prod" }],
    ["another sort field", { sort: "resourceGroup" }],
    ["descending order", { order: "desc" }],
    ["another page", { page: 2 }],
    ["another page size", { pageSize: 100 }],
  ])("%s gives a page its own cache entry", (_case, change) => {
    expect(hashKey(inventoryKeys.vmPage({ ...base, ...change }))).not.toBe(hashKey(inventoryKeys.vmPage(base)));
  });

  it("treats an empty or blank filter as no filter", () => {
    const blank = inventoryKeys.vmPage({ ...base, q: "  ", subscription: "", resourceGroup: undefined });
    expect(hashKey(blank)).toBe(hashKey(inventoryKeys.vmPage(base)));
  });

  it("ignores surrounding spaces in the name filter", () => {
    expect(hashKey(inventoryKeys.vmPage({ ...base, q: " web " }))).toBe(hashKey(inventoryKeys.vmPage({ ...base, q: "web" })));
  });

  it("puts every VM page under the key that refresh invalidates", () => {
    const page = inventoryKeys.vmPage({ ...base, q: "db", page: 3 });
    expect(partialMatchKey(page, inventoryKeys.all)).toBe(true);
    expect(partialMatchKey(page, inventoryKeys.vmPages())).toBe(true);
    expect(partialMatchKey(["policies"], inventoryKeys.all)).toBe(false);
  });
});
