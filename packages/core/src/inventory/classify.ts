import type { Exposure, InventoryTab, VmSummary } from "@portcullis/contract";
import { createEvaluationCache } from "../nsg/compile.ts";
import type { EvaluationCache } from "../nsg/compile.ts";
import { armIdKey, subscriptionKey } from "./arm-id.ts";
import { computeExposureCompiled, mergeExposure, parsePrivateIps } from "./exposure.ts";
import { exposureReason, noNsgReason, reasons } from "./reasons.ts";
import type { InventorySnapshot, InventoryVm } from "./types.ts";
import { NetworkResolver } from "./vm-network.ts";
import type { VmNetwork } from "./vm-network.ts";

function vmExposure(network: VmNetwork, cache: EvaluationCache): Exposure[] {
  const lists: Exposure[][] = [];
  for (const { nicNsg, groups } of network.nics) {
    for (const group of groups) {
      if (group.privateIps.length === 0 || (nicNsg === null && group.subnetNsg === null)) continue;
      lists.push(
        computeExposureCompiled({
          subnetNsg: group.subnetNsg === null ? null : cache.nsg(group.subnetNsg),
          nicNsg: nicNsg === null ? null : cache.nsg(nicNsg),
          privateIps: parsePrivateIps(group.privateIps),
          ctx: cache.context(group.virtualNetworkPrefixes),
        }),
      );
    }
  }
  return mergeExposure(lists);
}

/** NICs where some subnet the NIC sits in has no NSG and neither does the NIC. */
function unprotectedNicNames(network: VmNetwork): string[] {
  return network.nics
    .filter(({ nicNsg, groups }) => nicNsg === null && groups.some((group) => group.subnetNsg === null))
    .map(({ nic }) => nic.name);
}

function decideTab(vm: InventoryVm, network: VmNetwork, configured: boolean, exposure: readonly Exposure[]): { tab: InventoryTab; reason: string } {
  if (configured) return { tab: "configured", reason: reasons.configured };
  if (vm.classic) return { tab: "none", reason: reasons.classic };
  // A flexible scale set's instances are listed as VMs with their own NICs: JIT protects them as the VMs they are.
  // (Uniform instances are not VMs in ARM's list and do not reach here.)
  if (network.nics.length === 0) return { tab: "none", reason: reasons.noNetworkInterface };
  const bare = unprotectedNicNames(network);
  if (bare.length > 0) return { tab: "none", reason: noNsgReason(bare, network.nics.length) };
  return { tab: "recommended", reason: exposureReason(exposure) };
}

/**
 * Sorts every VM of a snapshot into the JIT page's tabs, with its reason and
 * its Internet exposure on management ports. `configuredVmIds` holds the
 * lower-cased ids of VMs with a JIT policy. NIC ids missing from the snapshot
 * are skipped; a VM none of whose NICs were read gets "No recommendation".
 * Exposure is computed for every VM with an NSG, whatever its tab.
 */
export function classifyVms(snapshot: InventorySnapshot, configuredVmIds: ReadonlySet<string>): VmSummary[] {
  const resolver = new NetworkResolver(snapshot);
  const cache = createEvaluationCache();
  const subscriptionNames = new Map(snapshot.subscriptions.map((subscription) => [subscriptionKey(subscription.id), subscription.name]));
  return snapshot.vms.map((vm) => {
    const network = resolver.resolveVm(vm);
    const exposure = vmExposure(network, cache);
    const { tab, reason } = decideTab(vm, network, configuredVmIds.has(armIdKey(vm.id)), exposure);
    return {
      id: vm.id,
      name: vm.name,
      resourceGroup: vm.resourceGroup,
      subscriptionId: vm.subscriptionId,
      subscriptionName: subscriptionNames.get(subscriptionKey(vm.subscriptionId)) ?? vm.subscriptionId,
      location: vm.location,
      osType: vm.osType,
      vmSize: vm.vmSize,
      scaleSetInstance: vm.scaleSetId !== null,
      privateIps: network.privateIps,
      nsgs: network.nsgs,
      tab,
      reason,
      exposure,
    };
  });
}
