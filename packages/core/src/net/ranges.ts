import ipaddr from "ipaddr.js";
import type { IpAddress } from "./parse.ts";

/** Azure's platform virtual IP (DHCP, DNS, health probes): the AzureLoadBalancer service tag. */
export const azurePlatformIp = "168.63.129.16";
const azurePlatform = ipaddr.IPv4.parse(azurePlatformIp);

/**
 * ipaddr.js range names that are not reachable from the public Internet:
 * RFC 1918 (`private`), RFC 6598 (`carrierGradeNat`), loopback, link-local,
 * ULA (`uniqueLocal`), plus unspecified, broadcast, multicast, documentation /
 * reserved, benchmarking and translation-only ranges.
 */
const nonPublicRanges: ReadonlySet<string> = new Set([
  "unspecified",
  "broadcast",
  "multicast",
  "linkLocal",
  "loopback",
  "carrierGradeNat",
  "private",
  "reserved",
  "benchmarking",
  "uniqueLocal",
  "ipv4Mapped",
  "rfc6145",
  "rfc6052",
  "orchid2",
]);

export function isAzurePlatformIp(ip: IpAddress): boolean {
  return ip.kind() === "ipv4" && ip.match(azurePlatform, 32);
}

/** Publicly routable: outside the private and special ranges above, and not Azure's platform IP. */
export function isPubliclyRoutable(ip: IpAddress): boolean {
  return !nonPublicRanges.has(ip.range()) && !isAzurePlatformIp(ip);
}
