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

/**
 * Instance metadata services answer with credentials to anyone on the VM: the IMDS address of Azure, AWS and GCP,
 * Azure's wire server (the platform IP above) and AWS's IPv6 IMDS.
 */
const cloudMetadata: readonly IpAddress[] = [ipaddr.IPv4.parse("169.254.169.254"), azurePlatform, ipaddr.IPv6.parse("fd00:ec2::254")];

export function isCloudMetadataIp(ip: IpAddress): boolean {
  return cloudMetadata.some((m) => m.kind() === ip.kind() && m.toNormalizedString() === ip.toNormalizedString());
}

/** Human names of the ipaddr.js ranges an outbound connection is refused (what a 400 says). */
const rangeLabels: Readonly<Record<string, string>> = {
  unspecified: "unspecified",
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "shared (RFC 6598, carrier-grade NAT)",
  private: "private (RFC 1918)",
  reserved: "reserved (documentation, benchmarking or future use)",
  uniqueLocal: "private (IPv6 unique local)",
  benchmarking: "benchmarking",
  deprecatedSiteLocal: "site-local",
  discard: "discard-only",
  teredo: "Teredo tunnel",
  rfc6052: "NAT64 local-use",
  orchid2: "ORCHID (not routable)",
  deprecatedOrchid: "ORCHID (not routable)",
  droneRemoteIdProtocolEntityTags: "DRIP entity tag (not routable)",
  segmentRouting: "segment routing (not routable)",
};
const ipv6Labels: Readonly<Record<string, string>> = { ...rangeLabels, reserved: "reserved (documentation or IETF protocol assignments)" };

/** IPv6 global unicast (2000::/3): everything else is special-purpose or unassigned. */
const globalUnicast = ipaddr.parseCIDR("2000::/3");
/** The well-known NAT64 prefix (RFC 6052): the IPv4 address is the last 32 bits. */
const nat64WellKnown = ipaddr.parseCIDR("64:ff9b::/96");
/** IPv4-compatible IPv6 (deprecated, RFC 4291): never routed as the IPv4 address it spells. */
const ipv4Compatible = ipaddr.parseCIDR("::/96");
/** Ranges inside 2000::/3 that are ordinary Internet unicast. */
const publicIpv6Ranges: ReadonlySet<string> = new Set(["unicast", "amt", "as112v6"]);

function ipv4From(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * The IPv4 address an IPv6 address stands for, where a connection to it reaches that IPv4 host: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 */
export function embeddedIpv4(ip: IpAddress): ipaddr.IPv4 | null {
  if (ip.kind() !== "ipv6") return null;
  const v6 = ip as ipaddr.IPv6;
  const parts = v6.parts;
  switch (v6.range()) {
    case "ipv4Mapped":
      return v6.toIPv4Address();
    case "rfc6145":
      return ipv4From(parts[6] ?? 0, parts[7] ?? 0);
    case "6to4":
      return ipv4From(parts[1] ?? 0, parts[2] ?? 0);
    default:
      return v6.match(nat64WellKnown) ? ipv4From(parts[6] ?? 0, parts[7] ?? 0) : null;
  }
}

/**
 * Why a connection Portcullis makes on an administrator's behalf (a notification webhook) must not go to this
 * address, as a label such as "loopback" or "cloud metadata"; null for a public unicast address. Judged by what the
 * address is: an IPv6 form that embeds an IPv4 address is judged as that IPv4 address. IPv4 reuses
 * `isPubliclyRoutable`; IPv6 must be global unicast (2000::/3) outside its special-purpose ranges, which is
 * stricter than the NSG "Internet" tag needs to be.
 */
export function outboundRefusal(ip: IpAddress): string | null {
  const embedded = embeddedIpv4(ip);
  if (embedded !== null) return outboundRefusal(embedded);
  if (isCloudMetadataIp(ip)) return "cloud metadata";
  const range = ip.range();
  if (ip.kind() === "ipv4") return isPubliclyRoutable(ip) ? null : (rangeLabels[range] ?? "special-purpose");
  const v6 = ip as ipaddr.IPv6;
  if (v6.match(globalUnicast) && publicIpv6Ranges.has(range)) return null;
  if (range === "unicast" && v6.match(ipv4Compatible)) return "IPv4-compatible (deprecated)";
  return ipv6Labels[range] ?? (range === "unicast" ? "unassigned" : "special-purpose");
}
