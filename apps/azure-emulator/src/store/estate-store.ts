import { idKey, ipConfigurationId, vnetIdOfSubnet } from "../arm/ids.ts";
import type { EstateSummary } from "../types.ts";
import type {
  Estate,
  NetworkInterfaceRecord,
  NetworkSecurityGroupRecord,
  ResourceGroupRecord,
  ScaleSetRecord,
  SubnetRecord,
  SubscriptionRecord,
  VirtualMachineRecord,
  VirtualNetworkRecord,
} from "./types.ts";

interface Scoped {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
}

function byKey<T extends { id: string }>(records: T[]): Map<string, T> {
  return new Map(records.map((r) => [idKey(r.id), r]));
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * The live estate with lookup indexes. Associations (NIC/subnet -> NSG, ip configuration -> subnet) only
 * change on reset, so their reverse indexes are built once per load.
 */
export class EstateStore {
  private estate!: Estate;
  private subscriptionsByKey = new Map<string, SubscriptionRecord>();
  private resourceGroupsByKey = new Map<string, ResourceGroupRecord>();
  private vnets = new Map<string, VirtualNetworkRecord>();
  private subnets = new Map<string, SubnetRecord>();
  private nics = new Map<string, NetworkInterfaceRecord>();
  private vms = new Map<string, VirtualMachineRecord>();
  private scaleSets = new Map<string, ScaleSetRecord>();
  private nsgs = new Map<string, NetworkSecurityGroupRecord>();
  private nicsByNsg = new Map<string, string[]>();
  private subnetsByNsg = new Map<string, string[]>();
  private ipConfigsBySubnet = new Map<string, string[]>();

  constructor(estate: Estate) {
    this.load(estate);
  }

  load(estate: Estate): void {
    this.estate = estate;
    this.subscriptionsByKey = new Map(estate.subscriptions.map((s) => [s.subscriptionId.toLowerCase(), s]));
    this.resourceGroupsByKey = byKey(estate.resourceGroups);
    this.vnets = byKey(estate.virtualNetworks);
    this.subnets = byKey(estate.virtualNetworks.flatMap((v) => v.subnets));
    this.nics = byKey(estate.networkInterfaces);
    this.vms = byKey(estate.virtualMachines);
    this.scaleSets = byKey(estate.scaleSets);
    this.nsgs = byKey(estate.networkSecurityGroups);
    this.nicsByNsg = new Map();
    this.subnetsByNsg = new Map();
    this.ipConfigsBySubnet = new Map();
    for (const nic of estate.networkInterfaces) {
      if (nic.nsgId) pushTo(this.nicsByNsg, idKey(nic.nsgId), nic.id);
      for (const ipc of nic.ipConfigurations) pushTo(this.ipConfigsBySubnet, idKey(ipc.subnetId), ipConfigurationId(nic.id, ipc.name));
    }
    for (const subnet of this.subnets.values()) {
      if (subnet.nsgId) pushTo(this.subnetsByNsg, idKey(subnet.nsgId), subnet.id);
    }
  }

  get data(): Estate {
    return this.estate;
  }

  subscriptions(): SubscriptionRecord[] {
    return this.estate.subscriptions;
  }

  subscription(subscriptionId: string): SubscriptionRecord | undefined {
    return this.subscriptionsByKey.get(subscriptionId.toLowerCase());
  }

  resourceGroup(id: string): ResourceGroupRecord | undefined {
    return this.resourceGroupsByKey.get(idKey(id));
  }

  virtualNetwork(id: string): VirtualNetworkRecord | undefined {
    return this.vnets.get(idKey(id));
  }

  subnet(id: string): SubnetRecord | undefined {
    return this.subnets.get(idKey(id));
  }

  networkInterface(id: string): NetworkInterfaceRecord | undefined {
    return this.nics.get(idKey(id));
  }

  virtualMachine(id: string): VirtualMachineRecord | undefined {
    return this.vms.get(idKey(id));
  }

  scaleSet(id: string): ScaleSetRecord | undefined {
    return this.scaleSets.get(idKey(id));
  }

  networkSecurityGroup(id: string): NetworkSecurityGroupRecord | undefined {
    return this.nsgs.get(idKey(id));
  }

  listVirtualNetworks(subscriptionId: string, resourceGroup?: string): VirtualNetworkRecord[] {
    return inScope(this.estate.virtualNetworks, subscriptionId, resourceGroup);
  }

  listNetworkInterfaces(subscriptionId: string, resourceGroup?: string): NetworkInterfaceRecord[] {
    return inScope(this.estate.networkInterfaces, subscriptionId, resourceGroup);
  }

  listVirtualMachines(subscriptionId: string, resourceGroup?: string): VirtualMachineRecord[] {
    return inScope(this.estate.virtualMachines, subscriptionId, resourceGroup);
  }

  listScaleSets(subscriptionId: string, resourceGroup?: string): ScaleSetRecord[] {
    return inScope(this.estate.scaleSets, subscriptionId, resourceGroup);
  }

  listNetworkSecurityGroups(subscriptionId: string, resourceGroup?: string): NetworkSecurityGroupRecord[] {
    return inScope(this.estate.networkSecurityGroups, subscriptionId, resourceGroup);
  }

  nicIdsUsingNsg(nsgId: string): string[] {
    return this.nicsByNsg.get(idKey(nsgId)) ?? [];
  }

  subnetIdsUsingNsg(nsgId: string): string[] {
    return this.subnetsByNsg.get(idKey(nsgId)) ?? [];
  }

  ipConfigurationIdsInSubnet(subnetResourceId: string): string[] {
    return this.ipConfigsBySubnet.get(idKey(subnetResourceId)) ?? [];
  }

  vnetOfSubnet(subnetResourceId: string): VirtualNetworkRecord | undefined {
    return this.virtualNetwork(vnetIdOfSubnet(subnetResourceId));
  }

  /** Replaces an existing NIC (matched by id) and rebuilds the indexes its NSG and subnets are in. */
  replaceNetworkInterface(nic: NetworkInterfaceRecord): void {
    const key = idKey(nic.id);
    const list = this.estate.networkInterfaces;
    const at = list.findIndex((n) => idKey(n.id) === key);
    if (at < 0) throw new Error(`no network interface ${nic.id}`);
    list[at] = nic;
    this.load(this.estate);
  }

  /** Adds or replaces an NSG (matched by id). */
  putNetworkSecurityGroup(nsg: NetworkSecurityGroupRecord): void {
    const key = idKey(nsg.id);
    const list = this.estate.networkSecurityGroups;
    const at = list.findIndex((n) => idKey(n.id) === key);
    if (at >= 0) list[at] = nsg;
    else list.push(nsg);
    this.nsgs.set(key, nsg);
  }

  removeNetworkSecurityGroup(id: string): void {
    const key = idKey(id);
    this.estate.networkSecurityGroups = this.estate.networkSecurityGroups.filter((n) => idKey(n.id) !== key);
    this.nsgs.delete(key);
  }

  summary(): Omit<EstateSummary, "operationsInProgress"> {
    const e = this.estate;
    return {
      subscriptions: e.subscriptions.length,
      resourceGroups: e.resourceGroups.length,
      virtualMachines: e.virtualMachines.length,
      scaleSets: e.scaleSets.length,
      networkInterfaces: e.networkInterfaces.length,
      virtualNetworks: e.virtualNetworks.length,
      subnets: this.subnets.size,
      networkSecurityGroups: e.networkSecurityGroups.length,
      securityRules: e.networkSecurityGroups.reduce((n, g) => n + g.rules.length, 0),
    };
  }
}

function inScope<T extends Scoped>(records: T[], subscriptionId: string, resourceGroup?: string): T[] {
  const sub = subscriptionId.toLowerCase();
  const rg = resourceGroup?.toLowerCase();
  return records.filter(
    (r) => r.subscriptionId.toLowerCase() === sub && (rg === undefined || r.resourceGroup.toLowerCase() === rg),
  );
}
