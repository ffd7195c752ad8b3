import { fieldPath } from "@portcullis/contract";
import { cidrContainsIp } from "../net/compare.ts";
import { coverageOfCidrs, describeCoverage, describeLimit, exceedsLimits, type PrefixSizeLimits, type SourceCoverage } from "../net/coverage.ts";
import { formatIp, parseCidrStrict } from "../net/parse.ts";
import { publicCidrs } from "../net/ranges.ts";
import type { Cidr, IpAddress } from "../net/parse.ts";
import { parseClientAddress } from "./client-address.ts";
import type { RequestProblem } from "./types.ts";

export interface ResolveClientIpInput {
  /** The TCP peer (`req.socket.remoteAddress`); undefined once the socket is gone. */
  remoteAddress: string | undefined;
  /** The raw `X-Forwarded-For` value; several headers joined with ", ", as Node joins them. */
  forwardedFor: string | undefined;
  /** IPv4/IPv6 CIDRs or bare IPs of the proxies in front of the server (see `checkTrustedProxies`). */
  trustedProxies: readonly string[];
}

/** `[2001:db8::1]:443` or `203.0.113.7:54321`: some proxies (Azure Application Gateway) append the client's port. */
const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/;
const ipv4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;

function parseHop(entry: string): IpAddress | null {
  const text = entry.trim();
  const direct = parseClientAddress(text);
  if (direct !== null) return direct;
  const inner = bracketed.exec(text)?.[1] ?? ipv4WithPort.exec(text)?.[1];
  return inner === undefined ? null : parseClientAddress(inner);
}

function parseProxies(list: readonly string[]): Cidr[] {
  const cidrs: Cidr[] = [];
  for (const text of list) {
    const parsed = parseCidrStrict(text.trim());
    // An entry that does not parse, or a /0, trusts nobody: failing closed keeps forged headers out.
    if (parsed.ok && parsed.value.prefixLength > 0) cidrs.push(parsed.value);
  }
  // A list that together trusts too much of the Internet (two /1s are a /0) trusts nobody, for the same reason.
  return trustsTooMuch(coverageOfCidrs(cidrs)) === null ? cidrs : [];
}

/**
 * The client's IP as the server can vouch for it, in canonical text (IPv4
 * dotted quad, IPv6 RFC 5952), or null when the peer address is missing or
 * not an IP.
 *
 * Starts at the TCP peer. While the current address is a trusted proxy, the
 * next address to the left in `X-Forwarded-For` (the one that proxy saw) takes
 * its place. So the header of an untrusted peer is ignored entirely, and
 * addresses a client wrote on the left of the header are reached only through
 * an untrusted hop, which stops the walk. A malformed or empty entry stops
 * the walk at the last good address; running out of entries ends it at the
 * leftmost. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) counts and is returned as
 * IPv4; `[v6]:port` and `v4:port` entries are read without the port.
 */
export function resolveClientIp(input: ResolveClientIpInput): string | null {
  if (input.remoteAddress === undefined) return null;
  let current = parseClientAddress(input.remoteAddress);
  if (current === null) return null;
  const proxies = parseProxies(input.trustedProxies);
  const hops = input.forwardedFor === undefined ? [] : input.forwardedFor.split(",");
  for (let index = hops.length - 1; index >= 0; index--) {
    const peer: IpAddress = current;
    if (!proxies.some((cidr) => cidrContainsIp(cidr, peer))) break;
    const hop = parseHop(hops[index] ?? "");
    if (hop === null) break;
    current = hop;
  }
  return formatIp(current);
}

/** The ranges TRUST_PROXY's names stand for (as Express's proxy-addr reads them). */
const namedProxyRanges: Readonly<Record<string, readonly string[]>> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/** A trusted-proxy list with the names `loopback`, `linklocal` and `uniquelocal` expanded to their CIDRs. */
export function expandTrustedProxies(list: readonly string[]): string[] {
  return list.flatMap((entry) => namedProxyRanges[entry.trim().toLowerCase()] ?? [entry]);
}

/**
 * Public addresses a proxy list may trust at most: a /8 of IPv4, a /16 of IPv6. Every client inside a trusted
 * range may choose its own IP, so a list this wide (whatever its spelling: one /0, two /1s, many small pieces)
 * is a mistake, not a proxy fleet; private and other non-public ranges do not count against it.
 */
const maxTrustedPublic: PrefixSizeLimits = { ipv4: 8, ipv6: 16 };

/** Why a proxy list trusts too much, or null. */
function trustsTooMuch(coverage: SourceCoverage): string | null {
  if (coverage.everyAddress) return `together the entries trust ${describeCoverage(coverage)}, which lets any client choose its own IP`;
  const publicPart = coverageOfCidrs(publicCidrs(coverage.merged));
  const excess = exceedsLimits(publicPart, maxTrustedPublic);
  if (excess === null) return null;
  return `together the entries trust ${describeCoverage(publicPart)} on the public Internet, more than ${describeLimit(excess.family, excess.limit)}; every client in a trusted range can choose its own IP, so list only your proxies`;
}

/**
 * Problems with a trusted-proxy list (names already expanded, see `expandTrustedProxies`), for checking
 * configuration at start-up (`resolveClientIp` itself ignores the entries refused here, and a list that trusts
 * too much as a whole). Entries must be strict CIDRs or bare IPs; a /0 is refused, and so is a list whose union
 * covers a whole family or more public addresses than a /8 (IPv4) or /16 (IPv6). Proxies reached over IPv4 are
 * written as IPv4 (mapped peers are compared as IPv4).
 */
export function checkTrustedProxies(list: readonly string[]): RequestProblem[] {
  const problems: RequestProblem[] = [];
  const cidrs: Cidr[] = [];
  list.forEach((text, index) => {
    const field = fieldPath(["trustedProxies", index]);
    const parsed = parseCidrStrict(text.trim());
    if (!parsed.ok) problems.push({ field, rule: `"${text}" is not an IPv4 or IPv6 address or CIDR with its host bits clear (${parsed.reason})` });
    else if (parsed.value.prefixLength === 0) problems.push({ field, rule: `${text} would trust every address, which lets any client choose its own IP` });
    else cidrs.push(parsed.value);
  });
  const tooMuch = trustsTooMuch(coverageOfCidrs(cidrs));
  if (tooMuch !== null) problems.push({ field: "trustedProxies", rule: tooMuch });
  return problems;
}
