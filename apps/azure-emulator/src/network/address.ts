import ipaddr from "ipaddr.js";

export type PrefixKind = "any" | "tag" | "address" | "invalid";

/** Service tags: letters and digits, optionally dotted with a region (e.g. "Storage.WestEurope"). */
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/;

function isIPv4(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value);
}

function isIPv6(value: string): boolean {
  return value.includes(":") && ipaddr.IPv6.isValid(value);
}

function isNetworkCidr(value: string): boolean {
  const [address = "", bits = "", ...rest] = value.split("/");
  if (rest.length > 0 || !/^\d{1,3}$/.test(bits)) return false;
  if (isIPv4(address)) {
    return ipaddr.IPv4.isValidCIDRFourPartDecimal(value) && ipaddr.IPv4.networkAddressFromCIDR(value).toString() === ipaddr.IPv4.parse(address).toString();
  }
  if (isIPv6(address)) {
    return ipaddr.IPv6.isValidCIDR(value) && ipaddr.IPv6.networkAddressFromCIDR(value).toNormalizedString() === ipaddr.IPv6.parse(address).toNormalizedString();
  }
  return false;
}

/**
 * What an NSG rule address prefix is: `*`, a service tag, an IP address or a CIDR with its host bits
 * clear (like ARM, "10.0.0.5/24" is invalid), or invalid.
 */
export function classifyPrefix(value: string): PrefixKind {
  if (value === "*") return "any";
  if (value.includes("/")) return isNetworkCidr(value) ? "address" : "invalid";
  if (isIPv4(value) || isIPv6(value)) return "address";
  // Anything that looks like an attempt at an address (digits and dots, or colons) is not a tag.
  if (/^[\d.]+$/.test(value) || value.includes(":")) return "invalid";
  return SERVICE_TAG.test(value) ? "tag" : "invalid";
}

/** A single port, a range "low-high", or "*". */
export function isPortRange(value: string): boolean {
  if (value === "*") return true;
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(value);
  if (!match) return false;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return low <= 65535 && high <= 65535 && low <= high;
}

/** The address family of an address or CIDR; null for `*`, service tags and invalid values. */
export function addressFamily(value: string): "IPv4" | "IPv6" | null {
  if (classifyPrefix(value) !== "address") return null;
  const address = value.split("/")[0] ?? "";
  return isIPv4(address) ? "IPv4" : "IPv6";
}
