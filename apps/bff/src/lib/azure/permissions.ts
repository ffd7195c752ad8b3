import { armUnavailable } from "./arm-errors.ts";
import type { ArmClients } from "./clients.ts";

/** Every ARM action the BFF's identity needs (docs/azure-permissions.md has the custom role with exactly these). */
export const requiredArmActions = [
  "Microsoft.Resources/subscriptions/read",
  "Microsoft.Compute/virtualMachines/read",
  "Microsoft.Network/networkInterfaces/read",
  "Microsoft.Network/virtualNetworks/read",
  "Microsoft.Network/virtualNetworks/subnets/read",
  "Microsoft.Network/networkSecurityGroups/read",
  "Microsoft.Network/networkSecurityGroups/write",
  "Microsoft.Network/locations/operations/read",
  "Microsoft.Network/locations/operationResults/read",
] as const;

export interface PermissionSet {
  actions: string[];
  notActions: string[];
}

function matches(pattern: string, action: string): boolean {
  const escaped = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`).test(action.toLowerCase());
}

/** Azure's rule: an action is allowed when one set's actions match it and that set's notActions do not. */
export function allowedBy(sets: readonly PermissionSet[], action: string): boolean {
  return sets.some((set) => set.actions.some((p) => matches(p, action)) && !set.notActions.some((p) => matches(p, action)));
}

/** What this identity may do in a resource group (Microsoft.Authorization permissions API). */
export async function permissionsIn(clients: ArmClients, subscriptionId: string, resourceGroup: string): Promise<PermissionSet[]> {
  try {
    const sets: PermissionSet[] = [];
    for await (const p of clients.authorization(subscriptionId).permissions.listForResourceGroup(resourceGroup)) {
      sets.push({ actions: p.actions ?? [], notActions: p.notActions ?? [] });
    }
    return sets;
  } catch (error) {
    throw armUnavailable(error, clients.endpoint);
  }
}

/** The resource groups holding the VMs and NSGs of a subscription, by name (as ARM spells them). */
export async function resourceGroupsInUse(clients: ArmClients, subscriptionId: string): Promise<string[]> {
  const groups = new Map<string, string>();
  const add = (id: string | undefined) => {
    const match = id === undefined ? null : /\/resourceGroups\/([^/]+)\//i.exec(id);
    if (match?.[1] !== undefined) groups.set(match[1].toLowerCase(), match[1]);
  };
  const list = async (action: string, items: () => AsyncIterable<{ id?: string }>) => {
    try {
      for await (const item of items()) add(item.id);
    } catch (error) {
      throw new Error(`${action} was refused or failed (${error instanceof Error ? error.message : String(error)})`, { cause: error });
    }
  };
  await list("Microsoft.Compute/virtualMachines/read", () => clients.compute(subscriptionId).virtualMachines.listAll());
  await list("Microsoft.Network/networkSecurityGroups/read", () => clients.network(subscriptionId).networkSecurityGroups.listAll());
  return [...groups.values()].sort();
}
