import { defaultSecurityRuleId, ipConfigurationId, securityRuleId } from "../arm/ids.ts";
import type { EstateStore } from "../store/estate-store.ts";
import type {
  IpConfigurationRecord,
  NetworkInterfaceRecord,
  NetworkSecurityGroupRecord,
  ProvisioningState,
  SecurityRuleProperties,
  SubnetRecord,
  VirtualNetworkRecord,
} from "../store/types.ts";
import { DEFAULT_SECURITY_RULES } from "./default-rules.ts";

/** ARM's JSON for Microsoft.Network resources (what the api-version 2026-01-01 SDK deserializes). */

const ref = (id: string): { id: string } => ({ id });

function ruleJson(id: string, name: string, type: string, etag: string, provisioningState: ProvisioningState, p: SecurityRuleProperties): object {
  const properties: Record<string, unknown> = { provisioningState };
  if (p.description !== undefined) properties["description"] = p.description;
  properties["protocol"] = p.protocol;
  if (p.sourcePortRange !== undefined) properties["sourcePortRange"] = p.sourcePortRange;
  if (p.destinationPortRange !== undefined) properties["destinationPortRange"] = p.destinationPortRange;
  if (p.sourceAddressPrefix !== undefined) properties["sourceAddressPrefix"] = p.sourceAddressPrefix;
  if (p.destinationAddressPrefix !== undefined) properties["destinationAddressPrefix"] = p.destinationAddressPrefix;
  Object.assign(properties, {
    access: p.access,
    priority: p.priority,
    direction: p.direction,
    sourcePortRanges: p.sourcePortRanges,
    destinationPortRanges: p.destinationPortRanges,
    sourceAddressPrefixes: p.sourceAddressPrefixes,
    destinationAddressPrefixes: p.destinationAddressPrefixes,
  });
  return { name, id, etag, type, properties };
}

export interface RenderOptions {
  /**
   * The answer to the PUT that starts a write: Azure's examples (NetworkSecurityGroupCreate*, SecurityRuleCreate)
   * show the written resource as `Succeeded`; GETs while the operation runs show `Updating`.
   */
  asWritten?: boolean;
}

export function securityRuleJson(nsg: NetworkSecurityGroupRecord, ruleName: string, options: RenderOptions = {}): object | null {
  const rule = nsg.rules.find((r) => r.name.toLowerCase() === ruleName.toLowerCase());
  if (!rule) return null;
  const state = options.asWritten === true ? "Succeeded" : rule.provisioningState;
  return ruleJson(securityRuleId(nsg.id, rule.name), rule.name, "Microsoft.Network/networkSecurityGroups/securityRules", nsg.etag, state, rule.properties);
}

export function defaultSecurityRulesJson(nsg: NetworkSecurityGroupRecord): object[] {
  return DEFAULT_SECURITY_RULES.map((r) =>
    ruleJson(defaultSecurityRuleId(nsg.id, r.name), r.name, "Microsoft.Network/networkSecurityGroups/defaultSecurityRules", nsg.etag, "Succeeded", r.properties),
  );
}

export function networkSecurityGroupJson(store: EstateStore, nsg: NetworkSecurityGroupRecord, options: RenderOptions = {}): object {
  const nics = store.nicIdsUsingNsg(nsg.id);
  const subnets = store.subnetIdsUsingNsg(nsg.id);
  const properties: Record<string, unknown> = {
    provisioningState: options.asWritten === true ? "Succeeded" : nsg.provisioningState,
    resourceGuid: nsg.resourceGuid,
    flushConnection: nsg.flushConnection,
    securityRules: nsg.rules.map((r) => securityRuleJson(nsg, r.name, options)),
    defaultSecurityRules: defaultSecurityRulesJson(nsg),
  };
  if (nics.length > 0) properties["networkInterfaces"] = nics.map(ref);
  if (subnets.length > 0) properties["subnets"] = subnets.map(ref);
  const json: Record<string, unknown> = {
    name: nsg.name,
    id: nsg.id,
    etag: nsg.etag,
    type: "Microsoft.Network/networkSecurityGroups",
    location: nsg.location,
  };
  if (Object.keys(nsg.tags).length > 0) json["tags"] = nsg.tags;
  json["properties"] = properties;
  return json;
}

export function subnetJson(store: EstateStore, vnet: VirtualNetworkRecord, subnet: SubnetRecord): object {
  const properties: Record<string, unknown> = { provisioningState: "Succeeded" };
  if (subnet.addressPrefixes.length === 1) properties["addressPrefix"] = subnet.addressPrefixes[0];
  else properties["addressPrefixes"] = subnet.addressPrefixes;
  if (subnet.nsgId) properties["networkSecurityGroup"] = ref(subnet.nsgId);
  const ipConfigurations = store.ipConfigurationIdsInSubnet(subnet.id);
  if (ipConfigurations.length > 0) properties["ipConfigurations"] = ipConfigurations.map(ref);
  Object.assign(properties, {
    delegations: [],
    privateEndpointNetworkPolicies: "Disabled",
    privateLinkServiceNetworkPolicies: "Enabled",
  });
  return { name: subnet.name, id: subnet.id, etag: vnet.etag, type: "Microsoft.Network/virtualNetworks/subnets", properties };
}

export function virtualNetworkJson(store: EstateStore, vnet: VirtualNetworkRecord): object {
  return {
    name: vnet.name,
    id: vnet.id,
    etag: vnet.etag,
    type: "Microsoft.Network/virtualNetworks",
    location: vnet.location,
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: vnet.resourceGuid,
      addressSpace: { addressPrefixes: vnet.addressPrefixes },
      subnets: vnet.subnets.map((s) => subnetJson(store, vnet, s)),
      virtualNetworkPeerings: [],
      enableDdosProtection: false,
    },
  };
}

/** As in Azure's NetworkInterfaceGet example: a block ("172.20.2.16/28") also carries its prefix length. */
function ipConfigurationProperties(ipc: IpConfigurationRecord): Record<string, unknown> {
  const properties: Record<string, unknown> = { provisioningState: "Succeeded", privateIPAddress: ipc.privateIPAddress };
  const prefixLength = ipc.privateIPAddress.split("/")[1];
  if (prefixLength !== undefined) properties["privateIPAddressPrefixLength"] = Number(prefixLength);
  properties["privateIPAllocationMethod"] = "Dynamic";
  if (ipc.publicIpAddressId !== undefined) properties["publicIPAddress"] = ref(ipc.publicIpAddressId);
  Object.assign(properties, { subnet: ref(ipc.subnetId), primary: ipc.primary, privateIPAddressVersion: ipc.version });
  return properties;
}

export function networkInterfaceJson(store: EstateStore, nic: NetworkInterfaceRecord): object {
  const properties: Record<string, unknown> = {
    provisioningState: "Succeeded",
    resourceGuid: nic.resourceGuid,
    ipConfigurations: nic.ipConfigurations.map((ipc) => ({
      name: ipc.name,
      id: ipConfigurationId(nic.id, ipc.name),
      etag: nic.etag,
      type: "Microsoft.Network/networkInterfaces/ipConfigurations",
      properties: ipConfigurationProperties(ipc),
    })),
    dnsSettings: { dnsServers: [], appliedDnsServers: [], internalDomainNameSuffix: "contoso.internal.cloudapp.net" },
    macAddress: nic.macAddress,
    enableAcceleratedNetworking: false,
    disableTcpStateTracking: false,
    vnetEncryptionSupported: false,
    enableIPForwarding: false,
    hostedWorkloads: [],
    tapConfigurations: [],
    nicType: "Standard",
    allowPort25Out: false,
    auxiliaryMode: "None",
    auxiliarySku: "None",
  };
  if (nic.nsgId) properties["networkSecurityGroup"] = ref(nic.nsgId);
  if (nic.vmId) {
    const primaryNic = store.virtualMachine(nic.vmId)?.nicIds[0];
    properties["primary"] = primaryNic !== undefined && primaryNic.toLowerCase() === nic.id.toLowerCase();
    properties["virtualMachine"] = ref(nic.vmId);
  }
  return {
    name: nic.name,
    id: nic.id,
    etag: nic.etag,
    type: "Microsoft.Network/networkInterfaces",
    location: nic.location,
    kind: "Regular",
    properties,
  };
}
