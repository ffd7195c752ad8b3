import { cidrContainsIp } from "../net/compare.ts";
import { parseCidr, parseIp } from "../net/parse.ts";
import type { Cidr, IpAddress, IpFamily } from "../net/parse.ts";
import { isAzurePlatformIp, isPubliclyRoutable } from "../net/ranges.ts";

/**
 * One address prefix of a rule, parsed once. Other service tags (`Storage`,
 * `AzureCloud`, ...) and application security groups are out of scope: they
 * become `unsupported` and match no flow, as does a malformed prefix (which
 * ARM would have rejected).
 */
export type PrefixMatcher =
  | { kind: "any"; text: string }
  | { kind: "internet"; text: string }
  | { kind: "virtualNetwork"; text: string }
  | { kind: "azureLoadBalancer"; text: string }
  | { kind: "cidr"; text: string; cidr: Cidr }
  | { kind: "unsupported"; text: string };

/** Service tags compare case-insensitively; the classic names are accepted too. */
type TagKind = "any" | "internet" | "virtualNetwork" | "azureLoadBalancer";
const tagKinds: ReadonlyMap<string, TagKind> = new Map<string, TagKind>([
  ["*", "any"],
  ["any", "any"],
  ["internet", "internet"],
  ["virtualnetwork", "virtualNetwork"],
  ["virtual_network", "virtualNetwork"],
  ["azureloadbalancer", "azureLoadBalancer"],
  ["azure_loadbalancer", "azureLoadBalancer"],
]);

export function compilePrefix(text: string): PrefixMatcher {
  const trimmed = text.trim();
  const tag = tagKinds.get(trimmed.toLowerCase());
  if (tag !== undefined) return { kind: tag, text };
  const parsed = parseCidr(trimmed);
  return parsed.ok ? { kind: "cidr", text, cidr: parsed.value } : { kind: "unsupported", text };
}

export interface PortRange {
  from: number;
  to: number;
}

/** `*`, `22` or `1000-2000`; a malformed range is dropped (matches nothing). */
export function compilePortRange(text: string): PortRange | null {
  const trimmed = text.trim();
  if (trimmed === "*") return { from: 0, to: 65535 };
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(trimmed);
  if (match === null) return null;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from > to || to > 65535) return null;
  return { from, to };
}

/** The address space that defines the `VirtualNetwork` tag, parsed once per VNet. */
export interface CompiledContext {
  virtualNetwork: readonly Cidr[];
}

export function compileContext(virtualNetworkPrefixes: readonly string[]): CompiledContext {
  const virtualNetwork: Cidr[] = [];
  for (const text of virtualNetworkPrefixes) {
    const parsed = parseCidr(text.trim());
    if (parsed.ok) virtualNetwork.push(parsed.value);
  }
  return { virtualNetwork };
}

/** One side of a flow: a concrete address, or "an arbitrary Internet host" of a family. */
export type Endpoint = { kind: "ip"; family: IpFamily; ip: IpAddress } | { kind: "internet"; family: IpFamily };

export function parseEndpointIp(text: string, role: "source" | "destination"): IpAddress {
  const parsed = parseIp(text.trim());
  if (!parsed.ok) throw new RangeError(`Flow ${role} "${text}" is not an IP address or "Internet" (${parsed.reason})`);
  return parsed.value;
}

function inVirtualNetwork(ip: IpAddress, ctx: CompiledContext): boolean {
  return ctx.virtualNetwork.some((cidr) => cidrContainsIp(cidr, ip));
}

function matchesIp(matcher: PrefixMatcher, ip: IpAddress, ctx: CompiledContext): boolean {
  switch (matcher.kind) {
    case "any":
      return true;
    case "cidr":
      return cidrContainsIp(matcher.cidr, ip);
    case "virtualNetwork":
      return inVirtualNetwork(ip, ctx);
    case "azureLoadBalancer":
      return isAzurePlatformIp(ip);
    case "internet":
      return isPubliclyRoutable(ip) && !inVirtualNetwork(ip, ctx);
    case "unsupported":
      return false;
  }
}

/**
 * "An arbitrary Internet host" matches only a prefix that covers every Internet
 * address of its family. `VirtualNetwork` does when the VNet's address space
 * holds a /0 (Azure folds a 0.0.0.0/0 route into that tag, a known surprise).
 */
function matchesAnyInternetHost(matcher: PrefixMatcher, family: IpFamily, ctx: CompiledContext): boolean {
  switch (matcher.kind) {
    case "any":
    case "internet":
      return true;
    case "cidr":
      return matcher.cidr.family === family && matcher.cidr.prefixLength === 0;
    case "virtualNetwork":
      return ctx.virtualNetwork.some((cidr) => cidr.family === family && cidr.prefixLength === 0);
    case "azureLoadBalancer":
    case "unsupported":
      return false;
  }
}

export function prefixMatchesEndpoint(matcher: PrefixMatcher, endpoint: Endpoint, ctx: CompiledContext): boolean {
  return endpoint.kind === "ip"
    ? matchesIp(matcher, endpoint.ip, ctx)
    : matchesAnyInternetHost(matcher, endpoint.family, ctx);
}
