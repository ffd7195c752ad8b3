/** ARM resource ids. ARM compares ids case-insensitively; `idKey` is the form used for lookups. */

export function idKey(id: string): string {
  return id.toLowerCase();
}

export function subscriptionResourceId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId}`;
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

function providerId(subscriptionId: string, resourceGroup: string, namespace: string, type: string, name: string): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/${namespace}/${type}/${name}`;
}

export const networkSecurityGroupId = (sub: string, rg: string, name: string): string =>
  providerId(sub, rg, "Microsoft.Network", "networkSecurityGroups", name);
export const securityRuleId = (nsgId: string, name: string): string => `${nsgId}/securityRules/${name}`;
export const defaultSecurityRuleId = (nsgId: string, name: string): string => `${nsgId}/defaultSecurityRules/${name}`;
export const networkInterfaceId = (sub: string, rg: string, name: string): string =>
  providerId(sub, rg, "Microsoft.Network", "networkInterfaces", name);
export const publicIpAddressId = (sub: string, rg: string, name: string): string =>
  providerId(sub, rg, "Microsoft.Network", "publicIPAddresses", name);
export const ipConfigurationId = (nicId: string, name: string): string => `${nicId}/ipConfigurations/${name}`;
export const virtualNetworkId = (sub: string, rg: string, name: string): string =>
  providerId(sub, rg, "Microsoft.Network", "virtualNetworks", name);
export const subnetId = (vnetId: string, name: string): string => `${vnetId}/subnets/${name}`;
export const virtualMachineId = (sub: string, rg: string, name: string): string =>
  providerId(sub, rg, "Microsoft.Compute", "virtualMachines", name);
export const scaleSetId = (sub: string, rg: string, name: string): string =>
  providerId(sub, rg, "Microsoft.Compute", "virtualMachineScaleSets", name);

/** The id of the virtual network that holds a subnet id. */
export function vnetIdOfSubnet(subnetResourceId: string): string {
  const at = subnetResourceId.toLowerCase().lastIndexOf("/subnets/");
  return at < 0 ? subnetResourceId : subnetResourceId.slice(0, at);
}

const SUBSCRIPTION_IN_PATH = /^\/subscriptions\/([^/?]+)/i;
const NSG_IN_PATH = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/networkSecurityGroups\/([^/?]+)/i;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The subscription a request path addresses, if any. */
export function subscriptionOfPath(path: string): string | null {
  const match = SUBSCRIPTION_IN_PATH.exec(path);
  return match?.[1] ? decode(match[1]) : null;
}

/** The lower-case id of the NSG a request path addresses (the NSG itself or anything under it), if any. */
export function nsgKeyOfPath(path: string): string | null {
  const match = NSG_IN_PATH.exec(path);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return idKey(networkSecurityGroupId(decode(match[1]), decode(match[2]), decode(match[3])));
}
