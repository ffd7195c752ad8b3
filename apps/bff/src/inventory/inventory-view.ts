import type { InventoryTab, ListVmsQuery, ListVmsResponse, Permission, TabCounts, VmSummary } from "@portcullis/contract";
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
  /** Of the whole estate. */
  readonly counts: TabCounts;
  /** Of the whole estate. */
  readonly facets: ListVmsResponse["facets"];
  readonly rows: readonly Row[];
  /** Rows of a tab in the requested order; computed once per (tab, sort, order). */
  sorted(tab: InventoryTab, sort: SortField, order: SortOrder): readonly Row[];
}

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/** What one caller may see of the estate, and do on each VM. */
export interface VmAccess {
  /** True when the caller may read every VM: counts and facets of the whole estate apply. */
  readonly readsAll: boolean;
  canRead(vm: VmSummary): boolean;
  /** Whether the caller may read VMs anywhere in the subscription (lists it as a facet even without VMs). */
  canReadSubscription(subscriptionId: string): boolean;
  permissionsOn(vm: VmSummary): Permission[];
}

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

function resourceGroupFacet(rows: readonly Row[]): string[] {
  const groups = new Map<string, string>();
  for (const { vm, resourceGroupLower } of rows) if (!groups.has(resourceGroupLower)) groups.set(resourceGroupLower, vm.resourceGroup);
  return [...groups.values()].sort(collator.compare);
}

function countTabs(rows: Iterable<Row>): TabCounts {
  const counts: TabCounts = { configured: 0, recommended: 0, none: 0 };
  for (const row of rows) counts[row.vm.tab] += 1;
  return counts;
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

  const facets = {
    subscriptions: [...subscriptions]
      .sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.id, b.id))
      .map(({ id, name }) => ({ id, name })),
    resourceGroups: resourceGroupFacet(rows),
  };
  const counts = countTabs(rows);

  const memo = new Map<string, Row[]>();
  return {
    readAt,
    counts,
    facets,
    rows,
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

/** Counts and facets of what a scoped caller may see. */
function visibleTo(view: InventoryView, access: VmAccess): { visible: Set<Row>; counts: TabCounts; facets: ListVmsResponse["facets"] } {
  const visible = new Set(view.rows.filter((row) => access.canRead(row.vm)));
  const withVms = new Set([...visible].map((row) => row.subscriptionIdLower));
  return {
    visible,
    counts: countTabs(visible),
    facets: {
      subscriptions: view.facets.subscriptions.filter((s) => withVms.has(s.id.toLowerCase()) || access.canReadSubscription(s.id)),
      resourceGroups: resourceGroupFacet([...visible]),
    },
  };
}

/** One page of a tab for one caller: only VMs they may read (counts and facets too), each with their permissions. */
export function queryInventoryView(view: InventoryView, query: ListVmsQuery, access: VmAccess): ListVmsResponse {
  const q = query.q?.toLowerCase() ?? "";
  // An empty filter value (e.g. `?subscription=` from a cleared drop-down) means "no filter".
  const subscription = query.subscription?.trim().toLowerCase() || undefined;
  const resourceGroup = query.resourceGroup?.trim().toLowerCase() || undefined;
  const scoped = access.readsAll ? undefined : visibleTo(view, access);
  const sorted = view.sorted(query.tab, query.sort, query.order);
  const filtering = scoped !== undefined || q !== "" || subscription !== undefined || resourceGroup !== undefined;
  const matching = filtering
    ? sorted.filter(
        (row) =>
          (scoped === undefined || scoped.visible.has(row)) &&
          (q === "" || row.nameLower.includes(q)) &&
          (subscription === undefined || row.subscriptionIdLower === subscription) &&
          (resourceGroup === undefined || row.resourceGroupLower === resourceGroup),
      )
    : sorted;
  const start = (query.page - 1) * query.pageSize;
  return {
    items: matching.slice(start, start + query.pageSize).map((row) => ({ ...row.vm, callerPermissions: access.permissionsOn(row.vm) })),
    page: query.page,
    pageSize: query.pageSize,
    total: matching.length,
    counts: scoped?.counts ?? view.counts,
    facets: scoped?.facets ?? view.facets,
    refreshedAt: view.readAt.toISOString(),
  };
}
