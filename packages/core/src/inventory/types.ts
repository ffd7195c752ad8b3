import type { Nsg } from "../nsg/types.ts";

/** What the inventory reads from ARM, already resolved to plain data. */
export interface InventorySubscription {
  id: string;
  name: string;
}

export interface InventoryNic {
  id: string;
  name: string;
  /** Private IPs of all ip configurations (IPv4 and IPv6). */
  privateIps: string[];
  /** Subnet ids of the ip configurations. */
  subnetIds: string[];
  nsgId: string | null;
}

export interface InventorySubnet {
  id: string;
  name: string;
  vnetId: string;
  addressPrefixes: string[];
  nsgId: string | null;
}

export interface InventoryVm {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  osType: "Linux" | "Windows" | null;
  vmSize: string | null;
  /** Set for scale-set instances (flexible or uniform). */
  scaleSetId: string | null;
  /** Classic (ASM) VM, which JIT cannot protect. */
  classic: boolean;
  nicIds: string[];
}

export interface InventorySnapshot {
  subscriptions: InventorySubscription[];
  vms: InventoryVm[];
  nics: Map<string, InventoryNic>;
  subnets: Map<string, InventorySubnet>;
  /** Address prefixes of each virtual network by vnet id (defines the VirtualNetwork tag). */
  vnetPrefixes: Map<string, string[]>;
  nsgs: Map<string, Nsg>;
  readAt: Date;
}
