import { createHash } from "node:crypto";
import ipaddr from "ipaddr.js";
import {
  networkInterfaceId,
  networkSecurityGroupId,
  publicIpAddressId,
  resourceGroupId,
  scaleSetId,
  subnetId,
  virtualMachineId,
  virtualNetworkId,
} from "../arm/ids.ts";
import { ESTATE_FORMAT_VERSION } from "../store/types.ts";
import type { Estate, IpConfigurationRecord, OsType, SecurityRuleProperties, SecurityRuleRecord, SubnetRecord } from "../store/types.ts";

/** A custom rule in seed shorthand: a string is ARM's singular field, an array the plural one. */
export interface RuleSpec {
  name: string;
  priority: number;
  ports: string | string[];
  source: string | string[];
  destination?: string | string[];
  protocol?: "Tcp" | "Udp" | "Icmp" | "*";
  access?: "Allow" | "Deny";
  direction?: "Inbound" | "Outbound";
  description?: string;
}

export interface SubnetSpec {
  name: string;
  addressPrefixes: string[];
  nsgId?: string | null;
}

export interface NicSpec {
  name: string;
  subnetId: string;
  nsgId?: string | null;
  /** Fixed IPv4 address; default: the subnet's next free one. */
  ip?: string;
  /** Adds an IPv6 ip configuration (the subnet must be dual stack). */
  ipv6?: boolean;
  /** Secondary IPv4 ip configurations each holding an address prefix ("10.10.2.240/28"), as Azure allows. */
  prefixes?: string[];
  /** A public IP address (by name, in the VM's resource group) on the primary ip configuration. */
  publicIpName?: string;
}

export interface VmSpec {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  os: OsType;
  size: string;
  nics: NicSpec[];
  scaleSetId?: string;
  zone?: string;
  tags?: Record<string, string>;
}

const IMAGES: Record<OsType, { publisher: string; offer: string; sku: string; version: string }> = {
  Linux: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
  Windows: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" },
};

export function ruleProperties(spec: RuleSpec): SecurityRuleProperties {
  const props: SecurityRuleProperties = {
    protocol: spec.protocol ?? "Tcp",
    sourcePortRange: "*",
    sourcePortRanges: [],
    destinationPortRanges: [],
    sourceAddressPrefixes: [],
    destinationAddressPrefixes: [],
    access: spec.access ?? "Allow",
    priority: spec.priority,
    direction: spec.direction ?? "Inbound",
  };
  if (spec.description !== undefined) props.description = spec.description;
  if (typeof spec.ports === "string") props.destinationPortRange = spec.ports;
  else props.destinationPortRanges = spec.ports;
  if (typeof spec.source === "string") props.sourceAddressPrefix = spec.source;
  else props.sourceAddressPrefixes = spec.source;
  const destination = spec.destination ?? "*";
  if (typeof destination === "string") props.destinationAddressPrefix = destination;
  else props.destinationAddressPrefixes = destination;
  return props;
}

/**
 * Builds a consistent estate: ids derived from names, GUIDs and MAC addresses derived from a namespace and
 * the resource id, so the same calls always give the same estate.
 */
export class EstateBuilder {
  private readonly namespace: string;
  private readonly estate: Estate;
  private readonly nextHost = new Map<string, number>();
  private readonly usedAddresses = new Set<string>();
  private readonly subnetsById = new Map<string, SubnetRecord>();

  constructor(namespace: string, tenantId: string) {
    this.namespace = namespace;
    this.estate = {
      formatVersion: ESTATE_FORMAT_VERSION,
      tenantId,
      subscriptions: [],
      resourceGroups: [],
      virtualNetworks: [],
      networkInterfaces: [],
      virtualMachines: [],
      scaleSets: [],
      networkSecurityGroups: [],
    };
  }

  /** A deterministic GUID for a label. */
  guid(label: string): string {
    const h = createHash("sha1").update(`${this.namespace}:${label}`).digest("hex");
    const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  private etag(label: string): string {
    return `W/"${this.guid(`etag:${label}`)}"`;
  }

  subscription(subscriptionId: string, displayName: string): this {
    this.estate.subscriptions.push({ subscriptionId, displayName, tenantId: this.estate.tenantId, state: "Enabled" });
    return this;
  }

  resourceGroup(subscriptionId: string, name: string, location: string): this {
    this.estate.resourceGroups.push({ id: resourceGroupId(subscriptionId, name), subscriptionId, name, location });
    return this;
  }

  /** Adds a virtual network and returns its subnet ids by name. */
  virtualNetwork(subscriptionId: string, resourceGroup: string, name: string, location: string, addressPrefixes: string[], subnets: SubnetSpec[]): Record<string, string> {
    const id = virtualNetworkId(subscriptionId, resourceGroup, name);
    const records = subnets.map((s): SubnetRecord => ({ id: subnetId(id, s.name), name: s.name, addressPrefixes: s.addressPrefixes, nsgId: s.nsgId ?? null }));
    this.estate.virtualNetworks.push({ id, subscriptionId, resourceGroup, name, location, resourceGuid: this.guid(id), etag: this.etag(id), addressPrefixes, subnets: records });
    const ids: Record<string, string> = {};
    for (const r of records) {
      this.subnetsById.set(r.id, r);
      ids[r.name] = r.id;
    }
    return ids;
  }

  networkSecurityGroup(subscriptionId: string, resourceGroup: string, name: string, location: string, rules: RuleSpec[]): string {
    const id = networkSecurityGroupId(subscriptionId, resourceGroup, name);
    const ruleRecords = rules.map((r): SecurityRuleRecord => ({ name: r.name, provisioningState: "Succeeded", properties: ruleProperties(r) }));
    this.estate.networkSecurityGroups.push({
      id,
      subscriptionId,
      resourceGroup,
      name,
      location,
      resourceGuid: this.guid(id),
      etag: this.etag(id),
      provisioningState: "Succeeded",
      tags: {},
      flushConnection: false,
      rules: ruleRecords,
    });
    return id;
  }

  flexibleScaleSet(subscriptionId: string, resourceGroup: string, name: string, location: string, skuName: string, capacity: number): string {
    const id = scaleSetId(subscriptionId, resourceGroup, name);
    this.estate.scaleSets.push({ id, subscriptionId, resourceGroup, name, location, orchestrationMode: "Flexible", skuName, capacity, uniqueId: this.guid(id), timeCreated: this.timeCreated(id) });
    return id;
  }

  virtualMachine(spec: VmSpec): string {
    const id = virtualMachineId(spec.subscriptionId, spec.resourceGroup, spec.name);
    const nicIds = spec.nics.map((nic) => this.networkInterface(spec, id, nic));
    this.estate.virtualMachines.push({
      id,
      subscriptionId: spec.subscriptionId,
      resourceGroup: spec.resourceGroup,
      name: spec.name,
      location: spec.location,
      vmUniqueId: this.guid(id),
      vmSize: spec.size,
      osType: spec.os,
      computerName: spec.name.replace(/[^A-Za-z0-9-]/g, "").slice(0, spec.os === "Windows" ? 15 : 64),
      adminUsername: "azureadmin",
      image: IMAGES[spec.os],
      nicIds,
      scaleSetId: spec.scaleSetId ?? null,
      zones: spec.zone ? [spec.zone] : [],
      timeCreated: this.timeCreated(id),
      tags: spec.tags ?? {},
    });
    return id;
  }

  build(): Estate {
    return this.estate;
  }

  private networkInterface(vm: VmSpec, vmResourceId: string, nic: NicSpec): string {
    const id = networkInterfaceId(vm.subscriptionId, vm.resourceGroup, nic.name);
    const primary: IpConfigurationRecord = { name: "ipconfig1", privateIPAddress: nic.ip ? this.claim(nic.subnetId, nic.ip) : this.allocate(nic.subnetId, 0), version: "IPv4", subnetId: nic.subnetId, primary: true };
    if (nic.publicIpName) primary.publicIpAddressId = publicIpAddressId(vm.subscriptionId, vm.resourceGroup, nic.publicIpName);
    const ipConfigurations: IpConfigurationRecord[] = [primary];
    (nic.prefixes ?? []).forEach((prefix, i) => {
      ipConfigurations.push({ name: `ipconfig-prefix${i + 1}`, privateIPAddress: this.claimPrefix(nic.subnetId, prefix), version: "IPv4", subnetId: nic.subnetId, primary: false });
    });
    if (nic.ipv6) {
      ipConfigurations.push({ name: "ipconfig-v6", privateIPAddress: this.allocate(nic.subnetId, 1), version: "IPv6", subnetId: nic.subnetId, primary: false });
    }
    const mac = this.guid(`mac:${id}`).replace(/-/g, "").slice(0, 12).toUpperCase();
    this.estate.networkInterfaces.push({
      id,
      subscriptionId: vm.subscriptionId,
      resourceGroup: vm.resourceGroup,
      name: nic.name,
      location: vm.location,
      resourceGuid: this.guid(id),
      etag: this.etag(id),
      macAddress: (mac.match(/../g) ?? []).join("-"),
      ipConfigurations,
      nsgId: nic.nsgId ?? null,
      vmId: vmResourceId,
    });
    return id;
  }

  /** The next host address of the subnet's IPv4 (family 0) or IPv6 (family 1) prefix, from .4 like Azure. */
  private allocate(subnetResourceId: string, family: 0 | 1): string {
    const subnet = this.subnetsById.get(subnetResourceId);
    const prefix = subnet?.addressPrefixes[family];
    if (!prefix) throw new Error(`Seed error: subnet ${subnetResourceId} has no ${family === 0 ? "IPv4" : "IPv6"} prefix`);
    const counterKey = `${subnetResourceId}#${family}`;
    const [network] = ipaddr.parseCIDR(prefix);
    for (;;) {
      const host = this.nextHost.get(counterKey) ?? 4;
      this.nextHost.set(counterKey, host + 1);
      const bytes = network.toByteArray();
      let carry = host;
      for (let i = bytes.length - 1; i >= 0 && carry > 0; i--) {
        const sum = (bytes[i] ?? 0) + carry;
        bytes[i] = sum & 0xff;
        carry = sum >> 8;
      }
      const address = ipaddr.fromByteArray(bytes).toString();
      if (!this.usedAddresses.has(`${subnetResourceId}|${address}`)) return this.claim(subnetResourceId, address);
    }
  }

  /** Claims every address of an IPv4 prefix, so no other ip configuration is given one of them. */
  private claimPrefix(subnetResourceId: string, prefix: string): string {
    const [network, bits] = ipaddr.parseCIDR(prefix);
    const first = network.toByteArray().reduce((n, b) => n * 256 + b, 0);
    for (let i = 0; i < 2 ** (32 - bits); i++) {
      const n = first + i;
      this.claim(subnetResourceId, [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join("."));
    }
    return prefix;
  }

  private claim(subnetResourceId: string, address: string): string {
    const key = `${subnetResourceId}|${address}`;
    if (this.usedAddresses.has(key)) throw new Error(`Seed error: address ${address} is used twice in ${subnetResourceId}`);
    this.usedAddresses.add(key);
    return address;
  }

  /** A fixed creation time per resource, spread over 2024. */
  private timeCreated(id: string): string {
    const offset = parseInt(this.guid(`time:${id}`).slice(0, 8), 16) % (365 * 24 * 3600);
    return new Date(Date.UTC(2024, 0, 1) + offset * 1000).toISOString();
  }
}
