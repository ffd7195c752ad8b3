import type ipaddr from "ipaddr.js";
import { parseIp } from "../net/parse.ts";
import type { IpAddress } from "../net/parse.ts";

/**
 * Parses an address as a client's, with IPv4-mapped IPv6 (`::ffff:1.2.3.4`,
 * what a dual-stack socket reports for an IPv4 peer) turned into IPv4, since
 * NSG rules match IPv4 traffic only with IPv4 prefixes.
 */
export function parseClientAddress(text: string): IpAddress | null {
  const parsed = parseIp(text);
  if (!parsed.ok) return null;
  const ip = parsed.value;
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) return (ip as ipaddr.IPv6).toIPv4Address();
  return ip;
}
