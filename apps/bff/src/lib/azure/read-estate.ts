import type { InventorySnapshot, InventorySubscription, InventoryVm } from "@portcullis/core";
import { armIdKey, jitRulePrefix, type InventoryNic, type InventorySubnet, type Nsg } from "@portcullis/core";
import type { Logger } from "../logger.ts";
import { armUnavailable } from "./arm-errors.ts";
import type { ArmClients } from "./clients.ts";
import { indexById, toInventoryNic, toInventorySubnets, toInventoryVm, toNsg } from "./map-models.ts";

/** Subscriptions read at once; each runs four paged list calls in parallel. */
const subscriptionConcurrency = 8;
/** Subscriptions in these states refuse or hide resource reads. */
const skippedStates = new Set(["Disabled", "Deleted"]);

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}

async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

export async function listSubscriptions(clients: ArmClients, signal?: AbortSignal): Promise<InventorySubscription[]> {
  const subscriptions: InventorySubscription[] = [];
  for await (const s of clients.subscriptions.subscriptions.list(signal === undefined ? {} : { abortSignal: signal })) {
    if (s.subscriptionId === undefined || (s.state !== undefined && skippedStates.has(s.state))) continue;
    subscriptions.push({ id: s.subscriptionId.toLowerCase(), name: s.displayName ?? s.subscriptionId });
  }
  return subscriptions;
}

interface SubscriptionEstate {
  vms: InventoryVm[];
  nics: (InventoryNic | undefined)[];
  subnets: InventorySubnet[];
  vnetPrefixes: [string, string[]][];
  nsgs: (Nsg | undefined)[];
}

async function readSubscription(clients: ArmClients, subscriptionId: string): Promise<SubscriptionEstate> {
  const compute = clients.compute(subscriptionId);
  const network = clients.network(subscriptionId);
  const [vms, nics, vnets, nsgs] = await Promise.all([
    collect(compute.virtualMachines.listAll()),
    collect(network.networkInterfaces.listAll()),
    collect(network.virtualNetworks.listAll()),
    collect(network.networkSecurityGroups.listAll()),
  ]);
  return {
    vms: vms.map((vm) => toInventoryVm(vm, subscriptionId)).filter((vm) => vm !== undefined),
    nics: nics.map(toInventoryNic),
    subnets: vnets.flatMap(toInventorySubnets),
    vnetPrefixes: vnets.flatMap((v) => (v.id === undefined ? [] : [[armIdKey(v.id), v.addressSpace?.addressPrefixes ?? []]])),
    nsgs: nsgs.map(toNsg),
  };
}

/**
 * One pass over ARM: the subscriptions (all visible, or the listed ones), then per subscription, in
 * parallel, every VM, NIC, virtual network (with its subnets) and NSG, through every page.
 * Any ARM failure becomes an UpstreamUnavailableError naming the endpoint.
 */
export async function readEstate(
  clients: ArmClients,
  subscriptionIds?: readonly string[],
  logger?: Logger,
): Promise<InventorySnapshot> {
  try {
    const subscriptions = await managedSubscriptions(clients, subscriptionIds, logger);
    const estates = await mapPool(subscriptions, subscriptionConcurrency, (s) => readSubscription(clients, s.id));
    const snapshot: InventorySnapshot = {
      subscriptions,
      vms: estates.flatMap((e) => e.vms),
      nics: new Map(),
      subnets: new Map(),
      vnetPrefixes: new Map(estates.flatMap((e) => e.vnetPrefixes)),
      nsgs: new Map(),
      readAt: new Date(),
    };
    for (const estate of estates) {
      indexById(snapshot.nics, estate.nics);
      indexById(snapshot.subnets, estate.subnets);
      indexById(snapshot.nsgs, estate.nsgs);
    }
    return snapshot;
  } catch (error) {
    throw armUnavailable(error, clients.endpoint);
  }
}

/** The subscriptions to manage: every visible one, or those `subscriptionIds` lists (the others logged and skipped). */
async function managedSubscriptions(clients: ArmClients, subscriptionIds: readonly string[] | undefined, logger?: Logger, signal?: AbortSignal): Promise<InventorySubscription[]> {
  const visible = await listSubscriptions(clients, signal);
  if (subscriptionIds === undefined) return visible;
  const wanted = new Set(subscriptionIds.map((id) => id.toLowerCase()));
  const subscriptions = visible.filter((s) => wanted.has(s.id));
  const missing = [...wanted].filter((id) => !subscriptions.some((s) => s.id === id));
  if (missing.length > 0) logger?.warn({ missing }, "AZURE_SUBSCRIPTION_IDS lists subscriptions the credential cannot see; they are skipped");
  return subscriptions;
}

/**
 * Every NSG in the managed subscriptions that holds a Portcullis rule, found in ARM itself (one paged list per
 * subscription, a few subscriptions at a time): what the reconciler checks even when the database knows nothing.
 */
export async function listJitNsgs(clients: ArmClients, subscriptionIds?: readonly string[], logger?: Logger, signal?: AbortSignal): Promise<Nsg[]> {
  try {
    const subscriptions = await managedSubscriptions(clients, subscriptionIds, logger, signal);
    const options = signal === undefined ? {} : { abortSignal: signal };
    const perSubscription = await mapPool(subscriptions, subscriptionConcurrency, async (s) => collect(clients.network(s.id).networkSecurityGroups.listAll(options)));
    return perSubscription
      .flat()
      .map(toNsg)
      .filter((nsg): nsg is Nsg => nsg !== undefined && nsg.rules.some((rule) => rule.name.toLowerCase().startsWith(jitRulePrefix)));
  } catch (error) {
    throw armUnavailable(error, clients.endpoint);
  }
}

/** Readiness: ARM answers the first page of the subscription list within `timeoutMs`. */
export async function probeArm(clients: ArmClients, timeoutMs: number): Promise<void> {
  try {
    const pages = clients.probe.subscriptions.list({ abortSignal: AbortSignal.timeout(timeoutMs) }).byPage();
    await pages.next();
  } catch (error) {
    throw armUnavailable(error, clients.endpoint);
  }
}
