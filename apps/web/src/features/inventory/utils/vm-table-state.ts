import type { InventoryTab, ListVmsQuery } from "@portcullis/contract";

export type SortField = ListVmsQuery["sort"];
export type SortOrder = ListVmsQuery["order"];

export type VmFilters = { q: string; subscription: string; resourceGroup: string };
export const noFilters: VmFilters = { q: "", subscription: "", resourceGroup: "" };

export const pageSizeOptions = [25, 50, 100] as const;

/** Filters, sort and page size are shared by the tabs; each tab remembers its own page. */
export type VmTableState = {
  filters: VmFilters;
  sort: SortField;
  order: SortOrder;
  pageSize: number;
  pages: Record<InventoryTab, number>;
};

const firstPages: Record<InventoryTab, number> = { configured: 1, recommended: 1, none: 1 };

export const initialVmTableState: VmTableState = {
  filters: noFilters,
  sort: "name",
  order: "asc",
  pageSize: 50,
  pages: firstPages,
};

export type VmTableAction =
  | { type: "filter"; patch: Partial<VmFilters> }
  | { type: "clearFilters" }
  | { type: "sort"; field: SortField }
  | { type: "page"; tab: InventoryTab; page: number }
  | { type: "pageSize"; pageSize: number };

function sameFilters(a: VmFilters, b: VmFilters): boolean {
  return a.q === b.q && a.subscription === b.subscription && a.resourceGroup === b.resourceGroup;
}

/** Anything that changes which rows match (or how they are ordered) starts every tab at page 1 again. */
export function vmTableReducer(state: VmTableState, action: VmTableAction): VmTableState {
  switch (action.type) {
    case "filter": {
      const filters = { ...state.filters, ...action.patch };
      return sameFilters(filters, state.filters) ? state : { ...state, filters, pages: firstPages };
    }
    case "clearFilters":
      return sameFilters(state.filters, noFilters) ? state : { ...state, filters: noFilters, pages: firstPages };
    case "sort": {
      const order: SortOrder = state.sort === action.field && state.order === "asc" ? "desc" : "asc";
      return { ...state, sort: action.field, order, pages: firstPages };
    }
    case "page":
      return { ...state, pages: { ...state.pages, [action.tab]: Math.max(1, Math.trunc(action.page)) } };
    case "pageSize":
      return action.pageSize === state.pageSize ? state : { ...state, pageSize: action.pageSize, pages: firstPages };
  }
}

export function hasFilters(filters: VmFilters): boolean {
  return !sameFilters({ ...filters, q: filters.q.trim() }, noFilters);
}

export function toVmsQuery(state: VmTableState, tab: InventoryTab): ListVmsQuery {
  return {
    tab,
    q: state.filters.q,
    subscription: state.filters.subscription,
    resourceGroup: state.filters.resourceGroup,
    sort: state.sort,
    order: state.order,
    page: state.pages[tab],
    pageSize: state.pageSize,
  };
}

const filterParams = { q: "q", subscription: "subscription", resourceGroup: "resourceGroup" } as const satisfies Record<keyof VmFilters, string>;

/** The name, subscription and resource-group filters as the address holds them (`/jit?tab=configured&q=web`). */
export function vmFiltersFromSearch(search: URLSearchParams): VmFilters {
  const read = (name: string) => search.get(name)?.trim() ?? "";
  return { q: read(filterParams.q), subscription: read(filterParams.subscription), resourceGroup: read(filterParams.resourceGroup) };
}

/** `current` with the filters written in (empty ones left out), other parameters kept. */
export function withVmFilters(current: URLSearchParams, filters: VmFilters): URLSearchParams {
  const next = new URLSearchParams(current);
  for (const key of Object.keys(filterParams) as Array<keyof VmFilters>) {
    const value = filters[key].trim();
    if (value === "") next.delete(filterParams[key]);
    else next.set(filterParams[key], value);
  }
  return next;
}
