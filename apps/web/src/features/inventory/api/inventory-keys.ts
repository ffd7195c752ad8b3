import type { ListVmsQuery } from "@portcullis/contract";

/**
 * The query behind one page of the VM table. Empty filters are dropped so that
 * "no filter" has one key whatever the form happened to hold ("" or undefined).
 */
export function normalizeVmsQuery(query: ListVmsQuery): ListVmsQuery {
  const normalized: ListVmsQuery = {
    tab: query.tab,
    sort: query.sort,
    order: query.order,
    page: query.page,
    pageSize: query.pageSize,
  };
  const q = query.q?.trim();
  if (q) normalized.q = q;
  if (query.subscription) normalized.subscription = query.subscription;
  if (query.resourceGroup) normalized.resourceGroup = query.resourceGroup;
  return normalized;
}

/** Every inventory query key starts with `inventoryKeys.all`, so one invalidation reaches them all. */
export const inventoryKeys = {
  all: ["inventory"] as const,
  vmPages: () => [...inventoryKeys.all, "vms"] as const,
  vmPage: (query: ListVmsQuery) => [...inventoryKeys.vmPages(), normalizeVmsQuery(query)] as const,
};
