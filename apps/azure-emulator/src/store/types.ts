/**
 * The estate as the emulator stores and persists it. Records hold their canonical ARM id; references
 * between records are ids. Back-references (an NSG's NICs and subnets, a subnet's ip configurations)
 * are derived, never stored, so they cannot drift.
 */

export type ProvisioningState = "Succeeded" | "Updating" | "Deleting" | "Failed";
export type OsType = "Linux" | "Windows";

export interface SubscriptionRecord {
  subscriptionId: string;
  displayName: string;
  tenantId: string;
  state: "Enabled" | "Disabled" | "Warned";
}

export interface ResourceGroupRecord {
  id: string;
  subscriptionId: string;
  name: string;
  location: string;
}

export interface SubnetRecord {
  id: string;
  name: string;
  /** One IPv4 prefix, optionally followed by an IPv6 prefix (dual stack). */
  addressPrefixes: string[];
  nsgId: string | null;
}

export interface VirtualNetworkRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  resourceGuid: string;
  etag: string;
  addressPrefixes: string[];
  subnets: SubnetRecord[];
}

export interface IpConfigurationRecord {
  name: string;
  /** An address, or an address prefix ("172.20.2.16/28": an IP configuration holding a block, as in Azure's NetworkInterfaceGet example). */
  privateIPAddress: string;
  version: "IPv4" | "IPv6";
  subnetId: string;
  primary: boolean;
  /** A public IP address resource associated with this IP configuration (rendered as a reference only). */
  publicIpAddressId?: string;
}

export interface NetworkInterfaceRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  resourceGuid: string;
  etag: string;
  macAddress: string;
  ipConfigurations: IpConfigurationRecord[];
  nsgId: string | null;
  vmId: string | null;
}

export interface VirtualMachineRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  /** The VM's unique id (properties.vmId). */
  vmUniqueId: string;
  vmSize: string;
  osType: OsType;
  computerName: string;
  adminUsername: string;
  image: { publisher: string; offer: string; sku: string; version: string };
  /** The first NIC is the primary one. */
  nicIds: string[];
  scaleSetId: string | null;
  zones: string[];
  timeCreated: string;
  tags: Record<string, string>;
}

export interface ScaleSetRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  orchestrationMode: "Flexible";
  skuName: string;
  capacity: number;
  uniqueId: string;
  timeCreated: string;
}

export interface SecurityRuleProperties {
  description?: string;
  protocol: string;
  sourcePortRange?: string;
  sourcePortRanges: string[];
  destinationPortRange?: string;
  destinationPortRanges: string[];
  sourceAddressPrefix?: string;
  sourceAddressPrefixes: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes: string[];
  access: "Allow" | "Deny";
  priority: number;
  direction: "Inbound" | "Outbound";
}

export interface SecurityRuleRecord {
  name: string;
  provisioningState: ProvisioningState;
  properties: SecurityRuleProperties;
}

export interface NetworkSecurityGroupRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  resourceGuid: string;
  /** Shared by the NSG and all its rules, as in ARM: any write changes it. */
  etag: string;
  provisioningState: ProvisioningState;
  tags: Record<string, string>;
  /** Re-evaluate established flows when rules change (ARM's `flushConnection`; false when absent from a PUT). */
  flushConnection: boolean;
  rules: SecurityRuleRecord[];
}

export const ESTATE_FORMAT_VERSION = 1;

export interface Estate {
  formatVersion: typeof ESTATE_FORMAT_VERSION;
  tenantId: string;
  subscriptions: SubscriptionRecord[];
  resourceGroups: ResourceGroupRecord[];
  virtualNetworks: VirtualNetworkRecord[];
  networkInterfaces: NetworkInterfaceRecord[];
  virtualMachines: VirtualMachineRecord[];
  scaleSets: ScaleSetRecord[];
  networkSecurityGroups: NetworkSecurityGroupRecord[];
}
