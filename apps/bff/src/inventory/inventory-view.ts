import type { InventoryTab, ListVmsQuery, ListVmsResponse, TabCounts, VmSummary } from "@portcullis/contract";
import { inventoryTabs } from "@portcullis/contract";
import type { InventorySubscription } from "@portcullis/core";

type SortField = ListVmsQuery["sort"];
type SortOrder = ListVmsQuery["order"];

interface Row {
  vm: VmSummary;
  nameLower: string;
  resourceGroupLower: string;
  subscriptionIdLower: string;
  /** Positions in the whole estate sorted by each key (numeric-aware, case-insensitive). */
  nameRank: number;
  resourceGroupRank: number;
  subscriptionRank: number;
  idRank: number;
}

/** A classified snapshot arranged so any page of any tab is a filter and a slice away. */
export interface InventoryView {
  readonly readAt: Date;
  readonly counts: TabCounts;
  readonly facets: ListVmsResponse["facets"];
  /** Rows of a tab in the requested order; computed once per (tab, sort, order). */
  sorted(tab: InventoryTab, sort: SortField, order: SortOrder): readonly Row[];
}

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** Rank of each row by `key`: equal keys share a rank, so comparisons later are integer compares. */
function ranks(rows: readonly VmSummary[], key: (vm: VmSummary) => string): number[] {
  const order = rows.map((vm, index) => ({ index, value: key(vm) })).sort((a, b) => collator.compare(a.value, b.value));
  const result = new Array<number>(rows.length);
  let rank = 0;
  order.forEach((entry, position) => {
    const previous = order[position - 1];
    if (previous !== undefined && collator.compare(previous.value, entry.value) !== 0) rank = position;
    result[entry.index] = rank;
  });
  return result;
}

function comparator(sort: SortField, order: SortOrder): (a: Row, b: Row) => number {
  const sign = order === "asc" ? 1 : -1;
  const primary = (row: Row) =>
    sort === "name" ? row.nameRank : sort === "resourceGroup" ? row.resourceGroupRank : row.subscriptionRank;
  // Ties fall back to the name (always ascending), then the id, so pages never shuffle.
  return (a, b) => sign * (primary(a) - primary(b)) || a.nameRank - b.nameRank || a.idRank - b.idRank;
}

export function buildInventoryView(
  summaries: readonly VmSummary[],
  subscriptions: readonly InventorySubscription[],
  readAt: Date,
): InventoryView {
  const nameRanks = ranks(summaries, (vm) => vm.name);
  const groupRanks = ranks(summaries, (vm) => vm.resourceGroup);
  const subscriptionRanks = ranks(summaries, (vm) => `${vm.subscriptionName}\u0000${vm.subscriptionId}`);
  const idRanks = ranks(summaries, (vm) => vm.id);
  const rows: Row[] = summaries.map((vm, i) => ({
    vm,
    nameLower: vm.name.toLowerCase(),
    resourceGroupLower: vm.resourceGroup.toLowerCase(),
    subscriptionIdLower: vm.subscriptionId.toLowerCase(),
    nameRank: nameRanks[i] ?? 0,
    resourceGroupRank: groupRanks[i] ?? 0,
    subscriptionRank: subscriptionRanks[i] ?? 0,
    idRank: idRanks[i] ?? 0,
  }));
  const byTab = new Map<InventoryTab, Row[]>(inventoryTabs.map((tab) => [tab, []]));
  for (const row of rows) byTab.get(row.vm.tab)?.push(row);

  const groups = new Map<string, string>();
  for (const vm of summaries) if (!groups.has(vm.resourceGroup.toLowerCase())) groups.set(vm.resourceGroup.toLowerCase(), vm.resourceGroup);
  const facets = {
    subscriptions: [...subscriptions]
      .sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.id, b.id))
      .map(({ id, name }) => ({ id, name })),
    resourceGroups: [...groups.values()].sort(collator.compare),
  };
  const counts: TabCounts = { configured: 0, recommended: 0, none: 0 };
  for (const tab of inventoryTabs) counts[tab] = byTab.get(tab)?.length ?? 0;

  const memo = new Map<string, Row[]>();
  return {
    readAt,
    counts,
    facets,
    sorted(tab, sort, order) {
      const key = `${tab}/${sort}/${order}`;
      let list = memo.get(key);
      if (list === undefined) {
        list = [...(byTab.get(tab) ?? [])].sort(comparator(sort, order));
        memo.set(key, list);
      }
      return list;
    },
  };
}

/** One page of a tab, filtered and sorted as asked. */
export function queryInventoryView(view: InventoryView, query: ListVmsQuery): ListVmsResponse {
  const q = query.q?.toLowerCase() ?? "";
  // An empty filter value (e.g. `?subscription=` from a cleared drop-down) means "no filter".
  const subscription = query.subscription?.trim().toLowerCase() || undefined;
  const resourceGroup = query.resourceGroup?.trim().toLowerCase() || undefined;
  const sorted = view.sorted(query.tab, query.sort, query.order);
  const filtering = q !== "" || subscription !== undefined || resourceGroup !== undefined;
  const matching = filtering
    ? sorted.filter(
        (row) =>
          (q === "" || row.nameLower.includes(q)) &&
          (subscription === undefined || row.subscriptionIdLower === subscription) &&
          (resourceGroup === undefined || row.resourceGroupLower === resourceGroup),
      )
    : sorted;
  const start = (query.page - 1) * query.pageSize;
  return {
    items: matching.slice(start, start + query.pageSize).map((row) => row.vm),
    page: query.page,
    pageSize: query.pageSize,
    total: matching.length,
    counts: view.counts,
    facets: view.facets,
    refreshedAt: view.readAt.toISOString(),
  };
}
