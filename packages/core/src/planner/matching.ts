import { cidrContainsIp, cidrIsSubsetOf, cidrsOverlap } from "../net/compare.ts";
import { isSingleHost, parseCidr } from "../net/parse.ts";
import type { Cidr, IpAddress } from "../net/parse.ts";
import { azurePlatformIp, isAzurePlatformIp, isPubliclyRoutable } from "../net/ranges.ts";
import { compilePortRange, compilePrefix } from "../nsg/matchers.ts";
import type { PortRange, PrefixMatcher } from "../nsg/matchers.ts";
import type { NsgRule } from "../nsg/types.ts";
import { protocolOverlapsGroup } from "./rule-names.ts";
import type { ProtocolGroup } from "./rule-names.ts";

/*
 * "Could this rule decide flows of that JIT rule?" Placement must be
 * computable from the NSG alone (expiry runs without the VNet's address
 * space), so where the evaluator needs context the answer errs towards "yes":
 * a Deny placed ahead of a rule that turns out not to matter changes nothing,
 * a Deny placed behind one that does would leave the port open.
 *  - `VirtualNetwork` always covers the VM (its private IPs come from the VNet);
 *  - `Internet` covers a VM IP that is publicly routable (it may be outside the VNet);
 *  - application security groups (no prefixes), other service tags and
 *    prefixes the evaluator cannot read may match anything.
 */

/** The flows a JIT rule is about: protocol group, destination ports, the VM's IPs and (for Allows) the sources. */
export interface JitScope {
  group: ProtocolGroup;
  ports: readonly PortRange[];
  /** The VM's addresses (single addresses as /32 or /128, or an ip configuration's prefix). */
  destinations: readonly Cidr[];
  /** `any` for `*`; CIDRs otherwise. Deny rules use `any`. */
  sources: readonly Cidr[] | "any";
}

export function compilePorts(ranges: readonly string[]): PortRange[] {
  return ranges.map(compilePortRange).filter((range) => range !== null);
}

function portsOverlap(a: readonly PortRange[], b: readonly PortRange[]): boolean {
  return a.some((x) => b.some((y) => x.from <= y.to && y.from <= x.to));
}

function destinationMayMatch(matcher: PrefixMatcher, destination: Cidr): boolean {
  if (isSingleHost(destination)) {
    const ip = destination.network;
    switch (matcher.kind) {
      case "any":
      case "virtualNetwork":
      case "unsupported":
        return true;
      case "cidr":
        return cidrContainsIp(matcher.cidr, ip);
      case "internet":
        return isPubliclyRoutable(ip);
      case "azureLoadBalancer":
        return isAzurePlatformIp(ip);
    }
  }
  // A prefix: the rule may matter when it may match any address of it.
  return matcher.kind === "cidr" ? cidrsOverlap(matcher.cidr, destination) : sourceMayOverlap(matcher, destination);
}

const neverInternet: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"].flatMap(
  (text) => {
    const parsed = parseCidr(text);
    return parsed.ok ? [parsed.value] : [];
  },
);

const parsedPlatform = parseCidr(azurePlatformIp);
const platformIp: IpAddress | null = parsedPlatform.ok ? parsedPlatform.value.network : null;

function sourceMayOverlap(matcher: PrefixMatcher, source: Cidr): boolean {
  switch (matcher.kind) {
    case "any":
    case "virtualNetwork":
    case "unsupported":
      return true;
    case "cidr":
      return cidrsOverlap(matcher.cidr, source);
    case "internet":
      return !neverInternet.some((range) => cidrIsSubsetOf(source, range));
    case "azureLoadBalancer":
      return platformIp !== null && cidrContainsIp(source, platformIp);
  }
}

/** A rule the planner reads many times: prefixes and ports parsed once. */
export interface ReadRule {
  rule: NsgRule;
  sources: readonly PrefixMatcher[];
  destinations: readonly PrefixMatcher[];
  ports: readonly PortRange[];
}

const prefixCache = new Map<string, PrefixMatcher>();
const maxCachedPrefixes = 10_000;

/** compilePrefix, memoised: the same few prefixes appear in every plan, and parsing addresses dominates planning time. */
export function readPrefix(text: string): PrefixMatcher {
  let matcher = prefixCache.get(text);
  if (matcher === undefined) {
    if (prefixCache.size >= maxCachedPrefixes) prefixCache.clear();
    matcher = compilePrefix(text);
    prefixCache.set(text, matcher);
  }
  return matcher;
}

export function readRule(rule: NsgRule): ReadRule {
  return {
    rule,
    sources: rule.sourceAddressPrefixes.map(readPrefix),
    destinations: rule.destinationAddressPrefixes.map(readPrefix),
    ports: compilePorts(rule.destinationPortRanges),
  };
}

function reachesScope(read: ReadRule, scope: JitScope): boolean {
  if (read.rule.direction !== "Inbound") return false;
  if (!protocolOverlapsGroup(read.rule.protocol, scope.group)) return false;
  if (!portsOverlap(read.ports, scope.ports)) return false;
  const destinationOk = read.destinations.length === 0 || read.destinations.some((matcher) => scope.destinations.some((destination) => destinationMayMatch(matcher, destination)));
  return destinationOk;
}

/** An Allow that may admit some flow of the scope, from any source: a JIT Deny must go ahead of it. */
export function mayAdmit(read: ReadRule, scope: JitScope): boolean {
  return read.rule.access === "Allow" && reachesScope(read, scope);
}

/** A Deny that may refuse some flow of an Allow's scope: the JIT Allow must go ahead of it. */
export function mayDeny(read: ReadRule, scope: JitScope): boolean {
  if (read.rule.access !== "Deny" || !reachesScope(read, scope)) return false;
  if (read.sources.length === 0 || scope.sources === "any") return true;
  const sources = scope.sources;
  return read.sources.some((matcher) => sources.some((source) => sourceMayOverlap(matcher, source)));
}
