import { describe, expect, it } from "vitest";
import { initialVmTableState, toVmsQuery, type VmTableState, vmFiltersFromSearch, vmTableReducer, withVmFilters } from "./vm-table-state.ts";

const onLaterPages: VmTableState = {
  ...initialVmTableState,
  pages: { configured: 3, recommended: 7, none: 2 },
};

describe("VM table state", () => {
  it.each([
    ["typing a name filter", { type: "filter", patch: { q: "web" } }],
    ["choosing a subscription", { type: "filter", patch: { subscription: "sub-1" } }],
    ["choosing a resource group", { type: "filter", patch: { resourceGroup: "rg-prod" } }],
    ["sorting", { type: "sort", field: "resourceGroup" }],
    ["changing the page size", { type: "pageSize", pageSize: 100 }],
  ] as const)("%s sends every tab back to page 1", (_case, action) => {
    const next = vmTableReducer(onLaterPages, action);
    expect(next.pages).toEqual({ configured: 1, recommended: 1, none: 1 });
  });

  it("a filter that did not change keeps the page", () => {
    const filtered = { ...onLaterPages, filters: { ...onLaterPages.filters, q: "web" } };
    expect(vmTableReducer(filtered, { type: "filter", patch: { q: "web" } })).toBe(filtered);
  });

  it("clearing filters drops them all and starts at page 1", () => {
    const filtered = { ...onLaterPages, filters: { q: "web", subscription: "sub-1", resourceGroup: "rg" } };
    const next = vmTableReducer(filtered, { type: "clearFilters" });
    expect(next.filters).toEqual({ q: "", subscription: "", resourceGroup: "" });
    expect(next.pages.recommended).toBe(1);
  });

  it("each tab keeps its own page", () => {
    const next = vmTableReducer(initialVmTableState, { type: "page", tab: "recommended", page: 4 });
    expect(toVmsQuery(next, "recommended").page).toBe(4);
    expect(toVmsQuery(next, "configured").page).toBe(1);
  });

  it.each([
    ["name", "asc", "name", "desc"],
    ["name", "desc", "name", "asc"],
    ["name", "desc", "subscription", "asc"],
  ] as const)("sorted by %s %s, clicking %s sorts %s", (sort, order, field, expected) => {
    const next = vmTableReducer({ ...initialVmTableState, sort, order }, { type: "sort", field });
    expect(next).toMatchObject({ sort: field, order: expected });
  });

  it("the query carries the tab, filters, sort and paging", () => {
    const state = vmTableReducer(initialVmTableState, { type: "filter", patch: { q: "db", resourceGroup: "rg-data" } });
    expect(toVmsQuery(state, "none")).toEqual({
      tab: "none",
      q: "db",
      subscription: "",
      resourceGroup: "rg-data",
      sort: "name",
      order: "asc",
      page: 1,
      pageSize: 50,
    });
  });
});

describe("the VM filters in the address", () => {
  it("reads the name, subscription and resource group, and writes them back beside the tab", () => {
    expect(vmFiltersFromSearch(new URLSearchParams("tab=configured&q=%20web%20&resourceGroup=rg-dev-apps"))).toEqual({ q: "web", subscription: "", resourceGroup: "rg-dev-apps" });
    expect(withVmFilters(new URLSearchParams("tab=configured&subscription=old"), { q: "web", subscription: "", resourceGroup: "rg-dev-apps" }).toString()).toBe("tab=configured&q=web&resourceGroup=rg-dev-apps");
  });
});

