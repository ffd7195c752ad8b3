import type { ListVmsQuery, ListVmsResponse, RefreshResponse, VmDrift, VmSummary } from "@portcullis/contract";
import { armIdKey } from "@portcullis/core";
import type { InventorySnapshot, Nsg } from "@portcullis/core";
import type { Logger } from "../lib/logger.ts";
import { buildInventoryView, queryInventoryView, type InventoryView, type VmAccess } from "./inventory-view.ts";
import type { PolicyIdsRepository } from "./policy-ids-repository.ts";

export interface InventoryService {
  /** A page of a tab as one caller may see it; reads ARM first if there is no snapshot yet. */
  list(query: ListVmsQuery, access: VmAccess): Promise<ListVmsResponse>;
  /** Reads ARM now (joining a read already under way). */
  refresh(): Promise<RefreshResponse>;
  /** Re-sorts the cached estate after policies changed, without another ARM pass. */
  policiesChanged(): Promise<void>;
  /**
   * Puts NSGs the BFF just wrote (as ARM answered the write) into the cached estate, so exposure shows the new
   * rules before the next ARM pass; call policiesChanged() afterwards to re-sort.
   */
  nsgsChanged(nsgs: readonly Nsg[]): Promise<void>;
}

export interface InventoryServiceDeps {
  readEstate: () => Promise<InventorySnapshot>;
  policyIds: PolicyIdsRepository;
  classify: (snapshot: InventorySnapshot, configuredVmIds: ReadonlySet<string>) => VmSummary[];
  /** How long a snapshot is fresh. */
  ttlMs: number;
  logger: Logger;
  now?: () => number;
  /** The reconciler's findings for these VMs (lower-cased ids); VMs without drift are absent. */
  driftOf?: (vmIds: readonly string[]) => Promise<Map<string, VmDrift>>;
}

/**
 * A snapshot older than the TTL is still served while one background read replaces it; one older than
 * this many TTLs is not served any more (the request waits for ARM and fails if ARM is down).
 */
const maxStaleTtls = 3;

export function createInventoryService(deps: InventoryServiceDeps): InventoryService {
  const now = deps.now ?? Date.now;
  let snapshot: InventorySnapshot | undefined;
  let view: InventoryView | undefined;
  let reading: Promise<InventoryView> | undefined;

  function classify(from: InventorySnapshot, policyIds: ReadonlySet<string>): InventoryView {
    return buildInventoryView(deps.classify(from, policyIds), from.subscriptions, from.readAt);
  }

  /** Single flight: concurrent callers share one ARM pass. */
  function read(): Promise<InventoryView> {
    reading ??= (async () => {
      const started = now();
      const [estate, policyIds] = await Promise.all([deps.readEstate(), deps.policyIds.listPolicyVmIds()]);
      const next = classify(estate, policyIds);
      snapshot = estate;
      view = next;
      deps.logger.info({ vms: estate.vms.length, counts: next.counts, ms: now() - started }, "inventory read from ARM");
      return next;
    })().finally(() => {
      reading = undefined;
    });
    return reading;
  }

  async function current(): Promise<InventoryView> {
    if (view === undefined) return read();
    const age = now() - view.readAt.getTime();
    if (age >= deps.ttlMs * maxStaleTtls) return read();
    if (age >= deps.ttlMs && reading === undefined) {
      read().catch((error: unknown) => deps.logger.warn({ err: error }, "background inventory refresh failed; serving the older snapshot"));
    }
    return view;
  }

  return {
    async list(query, access) {
      const page = queryInventoryView(await current(), query, access);
      if (deps.driftOf === undefined) return page;
      const drift = await deps.driftOf(page.items.map((vm) => vm.id));
      return { ...page, items: page.items.map((vm) => ({ ...vm, drift: drift.get(vm.id.toLowerCase()) ?? null })) };
    },
    async refresh() {
      const fresh = await read();
      return { refreshedAt: fresh.readAt.toISOString(), counts: fresh.counts };
    },
    async nsgsChanged(nsgs) {
      if (reading !== undefined) await reading.catch(() => undefined);
      if (snapshot === undefined || nsgs.length === 0) return;
      // A new snapshot object: a view built from the old one stays consistent while this one is classified.
      const nsgMap = new Map(snapshot.nsgs);
      for (const nsg of nsgs) nsgMap.set(armIdKey(nsg.id), nsg);
      snapshot = { ...snapshot, nsgs: nsgMap };
    },
    async policiesChanged() {
      if (reading !== undefined) await reading.catch(() => undefined);
      if (snapshot === undefined) return;
      const from = snapshot;
      const next = classify(from, await deps.policyIds.listPolicyVmIds());
      // A newer ARM read may have landed meanwhile; it already saw the new policies.
      if (snapshot === from) view = next;
    },
  };
}
