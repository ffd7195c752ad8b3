import type { NsgAttachment } from "@portcullis/contract";
import { cidrContainsIp } from "../net/compare.ts";
import { parseCidr } from "../net/parse.ts";
import type { Cidr } from "../net/parse.ts";
import type { Nsg } from "../nsg/types.ts";
import { armIdKey, nameFromArmId, resourceGroupFromArmId } from "./arm-id.ts";
import type { InventoryNic, InventorySnapshot, InventorySubnet, InventoryVm } from "./types.ts";

/** The private IPs of one NIC that sit in one subnet: the unit inbound traffic is evaluated for. */
export interface IpGroup {
  subnet: InventorySubnet | null;
  subnetNsg: Nsg | null;
  privateIps: string[];
  virtualNetworkPrefixes: readonly string[];
}

export interface NicBinding {
  nic: InventoryNic;
  nicNsg: Nsg | null;
  groups: IpGroup[];
}

export interface VmNetwork {
  nics: NicBinding[];
  nsgs: NsgAttachment[];
  privateIps: string[];
}

const noPrefixes: readonly string[] = Object.freeze([]);

/**
 * Resolves ids against one snapshot, memoising per-snapshot work. An NSG id
 * missing from the snapshot (read mid-change) stands for an NSG with default
 * rules only, named from its id, so the VM is still seen as having an NSG.
 */
export class NetworkResolver {
  readonly #snapshot: InventorySnapshot;
  readonly #missingNsgs = new Map<string, Nsg>();
  readonly #subnetCidrs = new Map<InventorySubnet, Cidr[]>();

  constructor(snapshot: InventorySnapshot) {
    this.#snapshot = snapshot;
  }

  nsg(id: string | null): Nsg | null {
    if (id === null) return null;
    const key = armIdKey(id);
    const found = this.#snapshot.nsgs.get(key) ?? this.#missingNsgs.get(key);
    if (found !== undefined) return found;
    const placeholder: Nsg = { id, name: nameFromArmId(id), resourceGroup: resourceGroupFromArmId(id), location: "", rules: [] };
    this.#missingNsgs.set(key, placeholder);
    return placeholder;
  }

  /** The VNet's address space, or the subnet's own prefixes when the VNet was not read. */
  virtualNetworkPrefixes(subnet: InventorySubnet | null): readonly string[] {
    if (subnet === null) return noPrefixes;
    return this.#snapshot.vnetPrefixes.get(armIdKey(subnet.vnetId)) ?? subnet.addressPrefixes;
  }

  subnetContains(subnet: InventorySubnet, ip: string): boolean {
    let cidrs = this.#subnetCidrs.get(subnet);
    if (cidrs === undefined) {
      cidrs = subnet.addressPrefixes.flatMap((text) => {
        const parsed = parseCidr(text.trim());
        return parsed.ok ? [parsed.value] : [];
      });
      this.#subnetCidrs.set(subnet, cidrs);
    }
    // An ip configuration may hold a prefix ("10.1.0.16/28"): its first address places it.
    const parsedIp = parseCidr(ip.trim());
    return parsedIp.ok && cidrs.some((cidr) => cidrContainsIp(cidr, parsedIp.value.network));
  }

  resolveVm(vm: InventoryVm): VmNetwork {
    const nics: NicBinding[] = [];
    const nsgs: NsgAttachment[] = [];
    const seenAttachments = new Set<string>();
    const privateIps: string[] = [];
    const attach = (nsg: Nsg, attachment: NsgAttachment["attachment"], attachedTo: string): void => {
      const key = `${armIdKey(nsg.id)}|${attachment}|${attachedTo}`;
      if (seenAttachments.has(key)) return;
      seenAttachments.add(key);
      nsgs.push({ id: nsg.id, name: nsg.name, resourceGroup: nsg.resourceGroup, attachment, attachedTo });
    };
    for (const nicId of vm.nicIds) {
      const nic = this.#snapshot.nics.get(armIdKey(nicId));
      if (nic === undefined) continue;
      const nicNsg = this.nsg(nic.nsgId);
      if (nicNsg !== null) attach(nicNsg, "nic", nic.name);
      const groups = this.#groupBySubnet(nic);
      for (const group of groups) if (group.subnetNsg !== null && group.subnet !== null) attach(group.subnetNsg, "subnet", group.subnet.name);
      for (const ip of nic.privateIps) if (!privateIps.includes(ip)) privateIps.push(ip);
      nics.push({ nic, nicNsg, groups });
    }
    return { nics, nsgs, privateIps };
  }

  #groupBySubnet(nic: InventoryNic): IpGroup[] {
    const subnets: InventorySubnet[] = [];
    for (const id of nic.subnetIds) {
      const subnet = this.#snapshot.subnets.get(armIdKey(id));
      if (subnet !== undefined && !subnets.includes(subnet)) subnets.push(subnet);
    }
    const groups = new Map<InventorySubnet | null, IpGroup>();
    const groupFor = (subnet: InventorySubnet | null): IpGroup => {
      let group = groups.get(subnet);
      if (group === undefined) {
        group = { subnet, subnetNsg: this.nsg(subnet?.nsgId ?? null), privateIps: [], virtualNetworkPrefixes: this.virtualNetworkPrefixes(subnet) };
        groups.set(subnet, group);
      }
      return group;
    };
    for (const subnet of subnets) groupFor(subnet);
    if (subnets.length === 0) groupFor(null);
    nic.privateIps.forEach((ip, index) => groupFor(this.#subnetOfIp(nic, subnets, ip, index)).privateIps.push(ip));
    return [...groups.values()];
  }

  /** By address first; by position when ips and subnet ids are parallel lists; else the first subnet. */
  #subnetOfIp(nic: InventoryNic, subnets: readonly InventorySubnet[], ip: string, index: number): InventorySubnet | null {
    if (subnets.length <= 1) return subnets[0] ?? null;
    const containing = subnets.find((subnet) => this.subnetContains(subnet, ip));
    if (containing !== undefined) return containing;
    if (nic.subnetIds.length === nic.privateIps.length) {
      const byPosition = nic.subnetIds[index];
      const subnet = byPosition === undefined ? undefined : this.#snapshot.subnets.get(armIdKey(byPosition));
      if (subnet !== undefined) return subnet;
    }
    return subnets[0] ?? null;
  }
}
