import type { InventoryNic, InventorySnapshot, InventorySubnet, InventoryVm } from "../inventory/types.ts";
import type { Nsg } from "../nsg/types.ts";

/** Test-only builders for inventory snapshots (maps keyed by lower-cased ids, as the BFF builds them). */
export const subscriptionId = "00000000-0000-0000-0000-000000000001";
const base = `/subscriptions/${subscriptionId}/resourceGroups`;

export const vmId = (name: string, rg = "rg-app") => `${base}/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
export const nicId = (name: string, rg = "rg-app") => `${base}/${rg}/providers/Microsoft.Network/networkInterfaces/${name}`;
export const vnetId = (name: string, rg = "rg-net") => `${base}/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
export const subnetId = (vnet: string, name: string, rg = "rg-net") => `${vnetId(vnet, rg)}/subnets/${name}`;

export function vm(name: string, overrides: Partial<InventoryVm> = {}): InventoryVm {
  return {
    id: vmId(name),
    name,
    resourceGroup: "rg-app",
    subscriptionId,
    location: "westeurope",
    osType: "Linux",
    vmSize: "Standard_B2s",
    scaleSetId: null,
    classic: false,
    nicIds: [nicId(`${name}-nic`)],
    ...overrides,
  };
}

export function nic(name: string, overrides: Partial<InventoryNic> = {}): InventoryNic {
  return { id: nicId(name), name, privateIps: ["10.1.0.4"], subnetIds: [subnetId("vnet-app", "snet-app")], nsgId: null, ...overrides };
}

export function subnet(vnet: string, name: string, overrides: Partial<InventorySubnet> = {}): InventorySubnet {
  return { id: subnetId(vnet, name), name, vnetId: vnetId(vnet), addressPrefixes: ["10.1.0.0/24"], nsgId: null, ...overrides };
}

export interface SnapshotParts {
  vms: InventoryVm[];
  nics: InventoryNic[];
  subnets: InventorySubnet[];
  nsgs: Nsg[];
  vnets?: Array<[id: string, prefixes: string[]]>;
}

export function snapshot(parts: SnapshotParts): InventorySnapshot {
  const byKey = <T extends { id: string }>(items: T[]) => new Map(items.map((item) => [item.id.toLowerCase(), item]));
  return {
    subscriptions: [{ id: subscriptionId, name: "Production" }],
    vms: parts.vms,
    nics: byKey(parts.nics),
    subnets: byKey(parts.subnets),
    vnetPrefixes: new Map((parts.vnets ?? [[vnetId("vnet-app"), ["10.1.0.0/16"]]]).map(([id, prefixes]) => [id.toLowerCase(), prefixes])),
    nsgs: byKey(parts.nsgs),
    readAt: new Date("2025-01-01T00:00:00Z"),
  };
}
