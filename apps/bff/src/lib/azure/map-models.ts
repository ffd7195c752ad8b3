import type { VirtualMachine } from "@azure/arm-compute";
import type { NetworkInterface, NetworkSecurityGroup, SecurityRule, VirtualNetwork } from "@azure/arm-network";
import { armIdKey, nameFromArmId, resourceGroupFromArmId } from "@portcullis/core";
import type { InventoryNic, InventorySubnet, InventoryVm, Nsg, NsgRule, RuleProtocol } from "@portcullis/core";

/** ARM has a singular and a plural field for most prefixes and ranges; the domain wants one list. */
function merge(single: string | undefined, plural: readonly string[] | undefined): string[] {
  const values = [...(single === undefined || single === "" ? [] : [single]), ...(plural ?? [])];
  return [...new Set(values)];
}

const protocols: Record<string, RuleProtocol> = { tcp: "Tcp", udp: "Udp", icmp: "Icmp", esp: "Esp", ah: "Ah", "*": "*" };

function present<T>(value: T | undefined | null): value is T {
  return value !== undefined && value !== null;
}

export function toInventoryVm(vm: VirtualMachine, subscriptionId: string): InventoryVm | undefined {
  if (vm.id === undefined) return undefined;
  const osType = vm.storageProfile?.osDisk?.osType;
  return {
    id: vm.id,
    name: vm.name ?? nameFromArmId(vm.id),
    resourceGroup: resourceGroupFromArmId(vm.id),
    subscriptionId,
    location: vm.location,
    osType: osType === "Linux" || osType === "Windows" ? osType : null,
    vmSize: vm.hardwareProfile?.vmSize ?? null,
    scaleSetId: vm.virtualMachineScaleSet?.id ?? null,
    // Everything listed through Microsoft.Compute is an ARM VM; classic VMs live in another provider.
    classic: false,
    nicIds: (vm.networkProfile?.networkInterfaces ?? []).map((nic) => nic.id).filter(present),
  };
}

/**
 * An ip configuration's private address: an IP, or a prefix it holds (Azure's NetworkInterfaceGet example answers
 * "172.20.2.16/28" with privateIPAddressPrefixLength 28; a bare address with a prefix length is taken as that prefix).
 */
function privateAddressOf(c: NonNullable<NetworkInterface["ipConfigurations"]>[number]): string | undefined {
  const address = c.privateIPAddress;
  if (address === undefined || address.includes("/")) return address;
  const length = c.privateIPAddressPrefixLength;
  const single = address.includes(":") ? 128 : 32;
  return length === undefined || length === null || length === single ? address : `${address}/${length}`;
}

export function toInventoryNic(nic: NetworkInterface): InventoryNic | undefined {
  if (nic.id === undefined) return undefined;
  const ipConfigurations = nic.ipConfigurations ?? [];
  return {
    id: nic.id,
    name: nic.name ?? nic.id,
    privateIps: ipConfigurations.map(privateAddressOf).filter(present),
    subnetIds: [...new Set(ipConfigurations.map((c) => c.subnet?.id).filter(present))],
    nsgId: nic.networkSecurityGroup?.id ?? null,
  };
}

export function toInventorySubnets(vnet: VirtualNetwork): InventorySubnet[] {
  if (vnet.id === undefined) return [];
  const vnetId = vnet.id;
  return (vnet.subnets ?? []).flatMap((subnet) =>
    subnet.id === undefined
      ? []
      : [
          {
            id: subnet.id,
            name: subnet.name ?? subnet.id,
            vnetId,
            addressPrefixes: merge(subnet.addressPrefix, subnet.addressPrefixes),
            nsgId: subnet.networkSecurityGroup?.id ?? null,
          },
        ],
  );
}

function toNsgRule(rule: SecurityRule): NsgRule | undefined {
  const protocol = protocols[(rule.protocol ?? "").toLowerCase()];
  const { direction, access, priority } = rule;
  if (protocol === undefined || priority === undefined || rule.name === undefined) return undefined;
  if ((direction !== "Inbound" && direction !== "Outbound") || (access !== "Allow" && access !== "Deny")) return undefined;
  return {
    name: rule.name,
    priority,
    direction,
    access,
    protocol,
    sourceAddressPrefixes: merge(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
    sourcePortRanges: merge(rule.sourcePortRange, rule.sourcePortRanges),
    destinationAddressPrefixes: merge(rule.destinationAddressPrefix, rule.destinationAddressPrefixes),
    destinationPortRanges: merge(rule.destinationPortRange, rule.destinationPortRanges),
    ...(rule.description === undefined ? {} : { description: rule.description }),
  };
}

export function toNsg(nsg: NetworkSecurityGroup): Nsg | undefined {
  if (nsg.id === undefined) return undefined;
  return {
    id: nsg.id,
    name: nsg.name ?? nsg.id,
    resourceGroup: resourceGroupFromArmId(nsg.id),
    location: nsg.location ?? "",
    rules: (nsg.securityRules ?? []).map(toNsgRule).filter(present),
    ...(nsg.flushConnection === true ? { flushConnection: true as const } : {}),
  };
}

/** Adds items to a map keyed by lower-cased ARM id. */
export function indexById<T extends { id: string }>(map: Map<string, T>, items: Iterable<T | undefined>): void {
  for (const item of items) if (item !== undefined) map.set(armIdKey(item.id), item);
}
