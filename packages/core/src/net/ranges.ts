import { excludeCidr } from "cidr-tools";
import ipaddr from "ipaddr.js";
import { parseCidr } from "./parse.ts";
import type { Cidr, IpAddress } from "./parse.ts";

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

type SpecialRange = [IpAddress, number];
type SpecialRanges = Record<string, SpecialRange | SpecialRange[]>;

function rangesOf(table: SpecialRanges): string[] {
  return Object.entries(table)
    .filter(([name]) => nonPublicRanges.has(name))
    .flatMap(([, entry]) => (Array.isArray(entry[0]) ? (entry as SpecialRange[]) : [entry as SpecialRange]))
    .map(([address, bits]) => `${address.toString()}/${bits}`);
}

/** Every non-public range as CIDR text: the same ranges `isPubliclyRoutable` refuses, from ipaddr.js's own table. */
export const nonPublicCidrs: readonly string[] = [
  ...rangesOf((ipaddr.IPv4.prototype as unknown as { SpecialRanges: SpecialRanges }).SpecialRanges),
  ...rangesOf((ipaddr.IPv6.prototype as unknown as { SpecialRanges: SpecialRanges }).SpecialRanges),
  `${azurePlatformIp}/32`,
];

/** The public part of a set of CIDRs (canonical text in, parsed CIDRs out): what is left after the non-public ranges. */
export function publicCidrs(cidrs: readonly string[]): Cidr[] {
  if (cidrs.length === 0) return [];
  return excludeCidr([...cidrs], [...nonPublicCidrs]).flatMap((text) => {
    const parsed = parseCidr(text);
    return parsed.ok ? [parsed.value] : [];
  });
}
