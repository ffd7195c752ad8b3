import { forEachPooled, type InventorySubnet } from "@portcullis/core";
import type { ArmClients } from "./clients.ts";
import { ArmNotFoundError, readVmNetwork, type VmNetworkRead } from "./nsg-read.ts";

/** VMs read at once. */
const concurrency = 8;

/**
 * Reads each VM's network now. A VM ARM does not know is a 404 (`missing: "throw"`) or left out
 * (`missing: "skip"`, for removing the policy of a deleted VM). Keyed by lower-cased VM id. `signal` bounds every
 * read (the SDK's own retries and Retry-After sleeps included).
 */
export async function readVmPositions(arm: ArmClients, vmIds: readonly string[], missing: "throw" | "skip", signal?: AbortSignal): Promise<Map<string, VmNetworkRead>> {
  const subnets = new Map<string, Promise<InventorySubnet | null>>();
  const found = new Map<string, VmNetworkRead>();
  await forEachPooled(vmIds, concurrency, async (vmId) => {
    try {
      found.set(vmId.toLowerCase(), await readVmNetwork(arm, vmId, subnets, signal));
    } catch (error) {
      if (!(error instanceof ArmNotFoundError) || missing === "throw") throw error;
    }
  });
  return found;
}

/** Every NSG that decides inbound traffic to the VM now (NIC and subnet). */
export function positionNsgIds(read: VmNetworkRead): string[] {
  return read.position.nics.flatMap((nic) => [nic.nsgId, nic.subnetNsgId]).filter((id): id is string => id !== null);
}
