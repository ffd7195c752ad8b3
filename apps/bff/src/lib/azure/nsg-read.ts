import type { NetworkSecurityGroup } from "@azure/arm-network";
import { isRestError } from "@azure/core-rest-pipeline";
import { armIdKey, NetworkResolver, positionFromNetwork } from "@portcullis/core";
import type { InventoryNic, InventorySnapshot, InventorySubnet, InventoryVm, Nsg, VmNetwork, VmPosition } from "@portcullis/core";
import { armUnavailable } from "./arm-errors.ts";
import { requireArmResourceId } from "./arm-resource-id.ts";
import type { ArmClients } from "./clients.ts";
import { toInventoryNic, toInventoryVm, toNsg } from "./map-models.ts";

/** One NSG as it is now: the domain view to plan on, ARM's own resource to write back, and its ETag. */
export interface NsgState {
  nsg: Nsg;
  arm: NetworkSecurityGroup;
  etag: string;
}

/** An NSG (or the VM, NIC, subnet) that ARM says does not exist (404). */
export class ArmNotFoundError extends Error {
  readonly resourceId: string;
  constructor(resourceId: string, options?: { cause?: unknown }) {
    super(`${resourceId} was not found`, options);
    this.name = "ArmNotFoundError";
    this.resourceId = resourceId;
  }
}

function isNotFound(error: unknown): boolean {
  return isRestError(error) && error.statusCode === 404;
}

/** Runs an ARM read; a 404 becomes ArmNotFoundError, anything else the usual 503. */
async function read<T>(clients: ArmClients, resourceId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) throw new ArmNotFoundError(resourceId, { cause: error });
    throw armUnavailable(error, clients.endpoint);
  }
}

/** The NSG as ARM returned it; a write's final answer may lack the ETag (only a read's is used to write). */
export function nsgStateOf(arm: NetworkSecurityGroup, fallbackId: string): NsgState {
  const nsg = toNsg({ ...arm, id: arm.id ?? fallbackId }) as Nsg;
  return { nsg, arm, etag: arm.etag ?? "" };
}

/** Reads one NSG with its ETag; `signal` bounds the read (the SDK's own retries and waits included). */
export async function readNsg(clients: ArmClients, nsgId: string, signal?: AbortSignal): Promise<NsgState> {
  const id = requireArmResourceId(nsgId, "Microsoft.Network/networkSecurityGroups");
  const arm = await read(clients, nsgId, () => clients.network(id.subscriptionId).networkSecurityGroups.get(id.resourceGroup, id.name, signal === undefined ? {} : { abortSignal: signal }));
  if (arm.etag === undefined) throw armUnavailable(new Error(`ARM returned NSG ${nsgId} without an ETag`), clients.endpoint);
  return nsgStateOf(arm, nsgId);
}

/** A VM and where it sits, read from ARM now (not the inventory's cache). */
export interface VmNetworkRead {
  vm: InventoryVm;
  nics: InventoryNic[];
  subnets: InventorySubnet[];
  network: VmNetwork;
  position: VmPosition;
  /** The VM's local administrator (`osProfile.adminUsername`), for connect details; null when ARM does not say. */
  adminUsername: string | null;
}

async function readSubnet(clients: ArmClients, subnetId: string, signal?: AbortSignal): Promise<InventorySubnet | null> {
  const id = requireArmResourceId(subnetId, "Microsoft.Network/virtualNetworks");
  if (id.child === null) return null;
  const { child } = id;
  try {
    const subnet = await read(clients, subnetId, () =>
      clients.network(id.subscriptionId).subnets.get(id.resourceGroup, id.name, child.name, signal === undefined ? {} : { abortSignal: signal }),
    );
    const prefixes = [...new Set([...(subnet.addressPrefix ? [subnet.addressPrefix] : []), ...(subnet.addressPrefixes ?? [])])];
    const vnetId = subnetId.replace(/\/subnets\/[^/]+\/?$/i, "");
    return { id: subnet.id ?? subnetId, name: subnet.name ?? child.name, vnetId, addressPrefixes: prefixes, nsgId: subnet.networkSecurityGroup?.id ?? null };
  } catch (error) {
    // A subnet deleted under a NIC is ARM's inconsistency, not the VM's absence: treat it as having no NSG.
    if (error instanceof ArmNotFoundError) return null;
    throw error;
  }
}

/** What the last read found behind a VM: which NICs and subnets to read alongside it next time. */
interface PositionHint {
  nicIds: readonly string[];
  subnetIds: readonly string[];
}

/** Hints kept per set of ARM clients (one per process), the most recently read VMs last; bounded. */
const positionHints = new WeakMap<ArmClients, Map<string, PositionHint>>();
const maxPositionHints = 20_000;

function hintsOf(clients: ArmClients): Map<string, PositionHint> {
  let hints = positionHints.get(clients);
  if (hints === undefined) {
    hints = new Map();
    positionHints.set(clients, hints);
  }
  return hints;
}

function remember(clients: ArmClients, vmKey: string, hint: PositionHint): void {
  const hints = hintsOf(clients);
  hints.delete(vmKey);
  hints.set(vmKey, hint);
  if (hints.size > maxPositionHints) {
    const oldest = hints.keys().next();
    if (oldest.done !== true) hints.delete(oldest.value);
  }
}

/**
 * Reads one VM, its NICs and their subnets (ARM's current truth, which the planner must use), and resolves
 * its position with the same resolver the inventory uses. Subnets are read once per call of `cache`.
 * Throws ArmNotFoundError when the VM does not exist.
 *
 * Nothing here is taken from a cache: every VM, NIC and subnet the position is built from is read by this call. What
 * is remembered is only which NICs and subnets the last read found behind the VM, so that they are read at the same
 * time as the VM instead of one level after another (one round trip instead of three). When the VM now lists other
 * NICs, or a NIC another subnet (it moved, an NSG was attached or detached), the fresh answers say so and what they
 * name is read then; a hinted resource no longer behind the VM is read for nothing and ignored.
 */
export async function readVmNetwork(
  clients: ArmClients,
  vmId: string,
  cache: Map<string, Promise<InventorySubnet | null>> = new Map(),
  signal?: AbortSignal,
): Promise<VmNetworkRead> {
  const id = requireArmResourceId(vmId, "Microsoft.Compute/virtualMachines");
  // Reads started from a hint that the fresh answers do not confirm are cancelled when this call is done.
  const done = new AbortController();
  const readSignal = signal === undefined ? done.signal : AbortSignal.any([signal, done.signal]);
  const options = { abortSignal: readSignal };
  const nicReads = new Map<string, Promise<InventoryNic | undefined>>();
  const readNic = (nicId: string): Promise<InventoryNic | undefined> => {
    const key = armIdKey(nicId);
    let pending = nicReads.get(key);
    if (pending === undefined) {
      pending = (async () => {
        const nicRef = requireArmResourceId(nicId, "Microsoft.Network/networkInterfaces");
        try {
          const nic = await read(clients, nicId, () => clients.network(nicRef.subscriptionId).networkInterfaces.get(nicRef.resourceGroup, nicRef.name, options));
          return toInventoryNic({ ...nic, id: nic.id ?? nicId });
        } catch (error) {
          if (error instanceof ArmNotFoundError) return undefined;
          throw error;
        }
      })();
      nicReads.set(key, pending);
    }
    return pending;
  };
  // Hinted subnet reads stay out of the caller's cache (shared by a batch's VMs) until a fresh NIC names the subnet.
  const hintedSubnets = new Map<string, Promise<InventorySubnet | null>>();
  const subnetOf = (subnetId: string): Promise<InventorySubnet | null> => {
    const key = armIdKey(subnetId);
    let pending = cache.get(key) ?? hintedSubnets.get(key);
    if (pending === undefined) pending = readSubnet(clients, subnetId, readSignal);
    cache.set(key, pending);
    return pending;
  };
  const vmKey = armIdKey(vmId);
  const hint = hintsOf(clients).get(vmKey);
  if (hint !== undefined) {
    // Started now, awaited below only if the fresh answers still name them (a failure is seen there, or not at all).
    for (const nicId of hint.nicIds) readNic(nicId).catch(() => undefined);
    for (const subnetId of hint.subnetIds) {
      const key = armIdKey(subnetId);
      if (cache.has(key)) continue;
      const pending = readSubnet(clients, subnetId, readSignal);
      pending.catch(() => undefined);
      hintedSubnets.set(key, pending);
    }
  }
  try {
    let armVm;
    try {
      armVm = await read(clients, vmId, () => clients.compute(id.subscriptionId).virtualMachines.get(id.resourceGroup, id.name, options));
    } catch (error) {
      if (error instanceof ArmNotFoundError) hintsOf(clients).delete(vmKey);
      throw error;
    }
    const vm = toInventoryVm({ ...armVm, id: armVm.id ?? vmId }, id.subscriptionId.toLowerCase());
    if (vm === undefined) throw new ArmNotFoundError(vmId);
    const nics = (await Promise.all(vm.nicIds.map(readNic))).filter((nic) => nic !== undefined);
    const subnetIds = [...new Set(nics.flatMap((nic) => nic.subnetIds))];
    const subnets = (await Promise.all(subnetIds.map(subnetOf))).filter((subnet) => subnet !== null);
    remember(clients, vmKey, { nicIds: vm.nicIds, subnetIds });
    return resolveRead(vm, nics, subnets, armVm.osProfile?.adminUsername ?? null);
  } finally {
    done.abort();
  }
}

/** The VM's position from what was just read, by the resolver the inventory uses. */
function resolveRead(vm: InventoryVm, nics: InventoryNic[], subnets: InventorySubnet[], adminUsername: string | null): VmNetworkRead {
  const snapshot: InventorySnapshot = {
    subscriptions: [],
    vms: [vm],
    nics: new Map(nics.map((nic) => [armIdKey(nic.id), nic])),
    subnets: new Map(subnets.map((subnet) => [armIdKey(subnet.id), subnet])),
    vnetPrefixes: new Map(),
    nsgs: new Map(),
    readAt: new Date(),
  };
  const network = new NetworkResolver(snapshot).resolveVm(vm);
  return { vm, nics, subnets, network, position: positionFromNetwork(vm, network), adminUsername };
}
