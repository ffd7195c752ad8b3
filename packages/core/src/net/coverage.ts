import { mergeCidr, parseCidr as parseNetwork } from "cidr-tools";
import { formatCidr, parseCidr } from "./parse.ts";
import type { Cidr, IpFamily } from "./parse.ts";

/**
 * How much of the address space a set of sources opens, judged by the addresses it covers (the union after
 * merging overlaps), never by how the sources are spelled: `0.0.0.0/1` + `128.0.0.0/1` is all of IPv4, exactly
 * like `0.0.0.0/0` or `*`. Every check that asks "is this the whole Internet?" or "is this wider than allowed?"
 * (request fitting, policy validation, the planner, the audit flag, notifications, the portal's warning,
 * TRUST_PROXY) asks this module.
 */

export const familyBits: Readonly<Record<IpFamily, number>> = { ipv4: 32, ipv6: 128 };

/** Words that mean every address of both families: `*`, `Any`, and the `Internet` service tag (which a grant would write as `*`). */
const everyAddressWords: ReadonlySet<string> = new Set(["*", "any", "internet"]);

export function isEveryAddressWord(text: string): boolean {
  return everyAddressWords.has(text.trim().toLowerCase());
}

export interface FamilyCoverage {
  /** Distinct addresses covered, overlaps counted once. */
  readonly addresses: bigint;
  /**
   * The longest prefix length whose one block holds at least as many addresses ("as wide as a /N"); null when the
   * set covers nothing of this family. Two /25s are as wide as a /24; 257 addresses are as wide as a /23.
   */
  readonly asWideAs: number | null;
  /** Every address of the family. */
  readonly whole: boolean;
}

export interface SourceCoverage {
  readonly ipv4: FamilyCoverage;
  readonly ipv6: FamilyCoverage;
  /** Every address of IPv4 or of IPv6: what `*` or a /0 means, however it is spelled. */
  readonly everyAddress: boolean;
  /** The union as the fewest CIDRs, canonical (`*` stands for both families whole). */
  readonly merged: readonly string[];
  /** Entries that are neither a CIDR, an IP nor an every-address word (left out of the count). */
  readonly unparsed: readonly string[];
}

/** The widest source a requester may pick on a "per request" port, as the shortest prefix length per family. */
export interface PrefixSizeLimits {
  readonly ipv4: number;
  readonly ipv6: number;
}

/** A /24 of IPv4 (256 addresses) and a /56 of IPv6 (a typical customer site assignment). */
export const defaultPrefixSizeLimits: PrefixSizeLimits = { ipv4: 24, ipv6: 56 };

function blockSize(family: IpFamily, prefixLength: number): bigint {
  return 1n << BigInt(familyBits[family] - prefixLength);
}

/** Bits needed to count `n` distinct values (ceil(log2 n)) for n >= 1. */
function ceilLog2(n: bigint): number {
  const bits = (n - 1n).toString(2).length;
  return n === 1n ? 0 : bits;
}

function familyCoverage(family: IpFamily, addresses: bigint): FamilyCoverage {
  if (addresses === 0n) return { addresses, asWideAs: null, whole: false };
  return { addresses, asWideAs: familyBits[family] - ceilLog2(addresses), whole: addresses === blockSize(family, 0) };
}

/** Coverage of prefixes that are already parsed (plus, optionally, every address). */
export function coverageOfCidrs(cidrs: readonly Cidr[], options: { everyAddress?: boolean; unparsed?: readonly string[] } = {}): SourceCoverage {
  const unparsed = options.unparsed ?? [];
  if (options.everyAddress === true) {
    return { ipv4: familyCoverage("ipv4", blockSize("ipv4", 0)), ipv6: familyCoverage("ipv6", blockSize("ipv6", 0)), everyAddress: true, merged: ["*"], unparsed };
  }
  const merged = cidrs.length === 0 ? [] : mergeCidr(cidrs.map((cidr) => formatCidr(cidr)));
  const totals: Record<IpFamily, bigint> = { ipv4: 0n, ipv6: 0n };
  for (const network of merged) {
    const parsed = parseNetwork(network);
    totals[parsed.version === 4 ? "ipv4" : "ipv6"] += parsed.end - parsed.start + 1n;
  }
  const ipv4 = familyCoverage("ipv4", totals.ipv4);
  const ipv6 = familyCoverage("ipv6", totals.ipv6);
  const canonical = merged.map((network) => {
    const parsed = parseCidr(network);
    return parsed.ok ? formatCidr(parsed.value) : network;
  });
  return { ipv4, ipv6, everyAddress: ipv4.whole || ipv6.whole, merged: canonical, unparsed };
}

/**
 * Coverage of sources as people and the API write them: CIDRs, bare IPs (host bits tolerated, as the evaluator
 * reads rules), and `*` / `Any` / `Internet`. Entries that are none of these are listed in `unparsed`.
 */
export function sourceCoverage(sources: readonly string[]): SourceCoverage {
  const cidrs: Cidr[] = [];
  const unparsed: string[] = [];
  let everyAddress = false;
  for (const source of sources) {
    if (isEveryAddressWord(source)) {
      everyAddress = true;
      continue;
    }
    const parsed = parseCidr(source.trim());
    if (parsed.ok) cidrs.push(parsed.value);
    else unparsed.push(source);
  }
  return coverageOfCidrs(cidrs, { everyAddress, unparsed });
}

export interface LimitExcess {
  family: IpFamily;
  /** The limit as a prefix length (`/24`). */
  limit: number;
  /** How wide the family's union is (`asWideAs`). */
  asWideAs: number;
  addresses: bigint;
}

/** The first family whose union is wider than one prefix of the limit's size, or null when both fit. */
export function exceedsLimits(coverage: SourceCoverage, limits: PrefixSizeLimits): LimitExcess | null {
  for (const family of ["ipv4", "ipv6"] as const) {
    const covered = coverage[family];
    if (covered.asWideAs !== null && covered.addresses > blockSize(family, limits[family])) {
      return { family, limit: limits[family], asWideAs: covered.asWideAs, addresses: covered.addresses };
    }
  }
  return null;
}

/** True when the sources open more than the limits allow a requester: the portal warns, the audit flags it. */
export function isWide(coverage: SourceCoverage, limits: PrefixSizeLimits = defaultPrefixSizeLimits): boolean {
  return coverage.everyAddress || exceedsLimits(coverage, limits) !== null;
}

const familyName: Readonly<Record<IpFamily, string>> = { ipv4: "IPv4", ipv6: "IPv6" };

function countText(addresses: bigint, family: IpFamily): string {
  if (family === "ipv4" || addresses < 1_000_000_000n) return addresses.toLocaleString("en-US");
  return `about 2^${ceilLog2(addresses)}`;
}

function familyText(family: IpFamily, covered: FamilyCoverage): string | null {
  if (covered.asWideAs === null) return null;
  if (covered.whole) return `every ${familyName[family]} address`;
  const count = covered.addresses;
  const noun = count === 1n ? "address" : "addresses";
  return `${countText(count, family)} ${familyName[family]} ${noun} (as wide as a /${covered.asWideAs})`;
}

/**
 * In words, for messages, notifications and the portal: "every IPv4 address", "512 IPv4 addresses (as wide as a
 * /23)", "every IPv4 address and every IPv6 address".
 */
export function describeCoverage(coverage: SourceCoverage): string {
  const parts = (["ipv4", "ipv6"] as const).map((family) => familyText(family, coverage[family])).filter((text): text is string => text !== null);
  return parts.length === 0 ? "no address" : parts.join(" and ");
}

/** "a /24 (256 addresses)" for a limit, in messages. */
export function describeLimit(family: IpFamily, prefixLength: number): string {
  return `a /${prefixLength} (${countText(blockSize(family, prefixLength), family)} ${familyName[family]} addresses)`;
}
