import { armIdKey } from "../inventory/arm-id.ts";
import { cidrIsSubsetOf } from "../net/compare.ts";
import { coverageOfCidrs, describeCoverage, exceedsLimits } from "../net/coverage.ts";
import { parseCidrStrict } from "../net/parse.ts";
import type { Cidr, IpFamily } from "../net/parse.ts";
import type { Nsg } from "../nsg/types.ts";
import { newAllowEntry } from "./jit-rules.ts";
import type { AllowEntry } from "./jit-rules.ts";
import type { JitRuleSet, JitTransform } from "./nsg-plan.ts";
import { indexNsgs, invalidInput, planAll } from "./plan-common.ts";
import { coverageOf, ipsOfFamily } from "./position.ts";
import type { CoverageSuccess } from "./position.ts";
import { sourceLimitsOf } from "./policy-validation.ts";
import { allowRuleDescription, grantIdPattern, parseAllowRuleDescription } from "./rule-descriptions.ts";
import { parseJitRuleName, protocolGroupOf, vmHash } from "./rule-names.ts";
import type { ProtocolGroup } from "./rule-names.ts";
import type { Grant, JitPortRule, PlanFailure, PlanResult } from "./types.ts";

export interface PlanGrantInput {
  /** Grants to open together (one rule set per NSG however many there are). */
  grants: Grant[];
  /** Grants whose Allow rules go in the same write (a newer request supersedes them). */
  supersedes?: string[];
  nsgs: Nsg[];
}

export interface PlanExpireInput {
  grantIds: string[];
  nsgs: Nsg[];
}

/** A grant's Allow rule found in an NSG. */
export interface AllowRuleRecord {
  nsgId: string;
  ruleName: string;
  grantId: string;
  expiresAt: Date;
}

const families: readonly IpFamily[] = ["ipv4", "ipv6"];

/** Sources per family: `any` for `*` (or a /0), CIDRs otherwise; a family absent from the map is not granted. */
type SourcesByFamily = Map<IpFamily, Cidr[] | "any">;

function portRuleOf(grant: Grant, port: { port: number; protocol: string }): JitPortRule | undefined {
  return grant.policy.ports.find((rule) => rule.port === port.port && rule.protocol === port.protocol);
}

function checkSources(grant: Grant, rules: readonly JitPortRule[]): SourcesByFamily | PlanFailure {
  if (grant.sourcePrefixes.length === 0) return invalidInput(`Grant ${grant.id} has no source address`);
  const byFamily: SourcesByFamily = new Map();
  const add = (family: IpFamily, cidr: Cidr | "any"): void => {
    const known = byFamily.get(family);
    if (cidr === "any" || known === "any") byFamily.set(family, "any");
    else byFamily.set(family, [...(known ?? []), cidr]);
  };
  for (const text of grant.sourcePrefixes) {
    const parsed = text.trim() === "*" ? null : parseCidrStrict(text);
    if (parsed !== null && !parsed.ok) return invalidInput(`Grant ${grant.id}: source "${text}" is not a valid IP address or CIDR (${parsed.reason})`);
    const everyone = parsed === null || parsed.value.prefixLength === 0;
    if (everyone && rules.some((rule) => rule.allowedSources.kind !== "any")) {
      return invalidInput(`Grant ${grant.id}: source "${text}" opens the port to every address, which the policy does not allow`);
    }
    if (parsed === null) {
      for (const family of families) add(family, "any");
      continue;
    }
    const cidr = parsed.value;
    for (const rule of rules) {
      const sources = rule.allowedSources;
      if (sources.kind === "prefixes" && !sources.prefixes.some((allowed) => {
        const allowedCidr = parseCidrStrict(allowed);
        return allowedCidr.ok && cidrIsSubsetOf(cidr, allowedCidr.value);
      })) {
        return invalidInput(`Grant ${grant.id}: source ${text} is outside the sources the policy allows for port ${rule.port}`);
      }
    }
    add(cidr.family, everyone ? "any" : cidr);
  }
  // The same rule as request fitting, judged on the union: no split of the Internet into pieces gets past it.
  const granted = [...byFamily.values()].flatMap((cidrs) => (cidrs === "any" ? [] : cidrs));
  const coverage = coverageOfCidrs(granted, { everyAddress: [...byFamily.values()].includes("any") });
  for (const rule of rules) {
    if (rule.allowedSources.kind === "any") continue;
    if (coverage.everyAddress) return invalidInput(`Grant ${grant.id}: its sources together admit ${describeCoverage(coverage)}, which the policy does not allow for port ${rule.port}`);
    if (rule.allowedSources.kind === "per-request" && exceedsLimits(coverage, sourceLimitsOf(rule)) !== null) {
      return invalidInput(`Grant ${grant.id}: its sources together admit ${describeCoverage(coverage)}, wider than the policy lets a requester pick for port ${rule.port}`);
    }
  }
  return byFamily;
}

interface PreparedGrant {
  grant: Grant;
  hash: string;
  sources: SourcesByFamily;
  portsByGroup: Map<ProtocolGroup, number[]>;
  coverage: CoverageSuccess;
}

function prepareGrant(grant: Grant, nsgKeys: ReadonlySet<string>): PreparedGrant | PlanFailure {
  if (!grantIdPattern.test(grant.id)) return invalidInput(`Grant id "${grant.id}" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  // The end must survive the trip through the rule's description (a real date, years 0000-9999).
  if (Number.isNaN(grant.endsAt.getTime()) || parseAllowRuleDescription(allowRuleDescription(grant.id, grant.endsAt, 0)) === null) {
    return invalidInput(`Grant ${grant.id} has no valid end time`);
  }
  if (grant.ports.length === 0) return invalidInput(`Grant ${grant.id} opens no port`);
  const rules: JitPortRule[] = [];
  const portsByGroup = new Map<ProtocolGroup, number[]>();
  for (const port of grant.ports) {
    const rule = portRuleOf(grant, port);
    if (rule === undefined) return invalidInput(`Grant ${grant.id}: port ${port.port}/${port.protocol} is not in the VM's JIT policy`);
    rules.push(rule);
    const group = protocolGroupOf(rule.protocol);
    portsByGroup.set(group, [...(portsByGroup.get(group) ?? []), rule.port]);
  }
  const sources = checkSources(grant, rules);
  if (!(sources instanceof Map)) return sources;
  const coverage = coverageOf(grant.vm);
  if (!coverage.ok) return coverage;
  for (const entry of coverage.byNsg.values()) {
    if (!nsgKeys.has(armIdKey(entry.nsgId))) {
      return { ok: false, reason: "nsg-missing", nsgId: entry.nsgId, message: `VM ${grant.vm.vmName} sits behind NSG ${entry.nsgId}, which was not read` };
    }
  }
  const reachable = [...coverage.byNsg.values()].some((entry) => [...sources.keys()].some((family) => ipsOfFamily(entry.ips, family).length > 0));
  if (!reachable) return invalidInput(`Grant ${grant.id}: no source address has the IP version of VM ${grant.vm.vmName}'s addresses`);
  return { grant, hash: vmHash(grant.vm.vmId), sources, portsByGroup, coverage };
}

function grantAllows(prepared: PreparedGrant, nsg: Nsg, current: JitRuleSet): AllowEntry[] | PlanFailure {
  const covered = prepared.coverage.byNsg.get(armIdKey(nsg.id));
  if (covered === undefined) return [];
  const { grant } = prepared;
  const allows: AllowEntry[] = [];
  for (const [group, ports] of prepared.portsByGroup) {
    for (const [family, sources] of prepared.sources) {
      const ips = ipsOfFamily(covered.ips, family);
      if (ips.length === 0) continue;
      const protectedHere = current.denies.some((deny) => deny.vmHash === prepared.hash && deny.group === group && deny.family === family);
      if (!protectedHere) {
        return {
          ok: false,
          reason: "not-enabled",
          nsgId: nsg.id,
          message: `NSG ${nsg.name} has no JIT Deny rule for VM ${grant.vm.vmName} (${group === "*" ? "Any" : group.toUpperCase()}, ${family === "ipv4" ? "IPv4" : "IPv6"}): enable or repair JIT before granting access`,
        };
      }
      allows.push(newAllowEntry(grant.vm, group, family, { grantId: grant.id, expiresAt: grant.endsAt, sources, ports, ips }));
    }
  }
  return allows;
}

function grantTransform(grants: readonly PreparedGrant[], superseded: ReadonlySet<string>, nsg: Nsg): JitTransform {
  return (current) => {
    const added: AllowEntry[] = [];
    for (const prepared of grants) {
      const allows = grantAllows(prepared, nsg, current);
      if (!Array.isArray(allows)) return allows;
      added.push(...allows);
    }
    const replaced = new Set(added.map((allow) => allow.name));
    const kept = current.allows.filter((allow) => !superseded.has(allow.grantId) && !replaced.has(allow.name));
    return { denies: current.denies, allows: [...kept, ...added] };
  };
}

/**
 * Opens the grants: one Allow rule per grant, NSG, protocol group and IP
 * version, ahead of the VM's Deny rules (and of any rule that would refuse
 * the flow) at the lowest free numbers from 100. Superseded grants' Allow
 * rules go in the same write.
 */
export function planGrant(input: PlanGrantInput): PlanResult {
  const nsgs = indexNsgs(input.nsgs);
  if (!(nsgs instanceof Map)) return nsgs;
  const superseded = new Set(input.supersedes ?? []);
  const prepared: PreparedGrant[] = [];
  const ids = new Set<string>();
  for (const grant of input.grants) {
    if (ids.has(grant.id)) return invalidInput(`Grant ${grant.id} is listed twice`);
    if (superseded.has(grant.id)) return invalidInput(`Grant ${grant.id} cannot supersede itself`);
    ids.add(grant.id);
    const result = prepareGrant(grant, new Set(nsgs.keys()));
    if ("ok" in result) return result;
    prepared.push(result);
  }
  return planAll(input.nsgs, (nsg) => grantTransform(prepared, superseded, nsg));
}

/** Closes the grants: their Allow rules go, and the NSGs return to their state before the grants. Unknown ids change nothing. */
export function planExpire(input: PlanExpireInput): PlanResult {
  const nsgs = indexNsgs(input.nsgs);
  if (!(nsgs instanceof Map)) return nsgs;
  const closing = new Set(input.grantIds);
  return planAll(input.nsgs, () => (current) => ({ denies: current.denies, allows: current.allows.filter((allow) => !closing.has(allow.grantId)) }));
}

/** Every Portcullis Allow rule in the NSG whose description says it ended at or before `now`, for the reconciler. */
export function findExpiredAllowRules(nsg: Nsg, now: Date): AllowRuleRecord[] {
  return findAllowRules(nsg).filter((rule) => rule.expiresAt.getTime() <= now.getTime());
}

/** Every Portcullis Allow rule in the NSG whose description names its grant and end. */
export function findAllowRules(nsg: Nsg): AllowRuleRecord[] {
  const found: AllowRuleRecord[] = [];
  for (const rule of nsg.rules) {
    if (rule.direction !== "Inbound" || parseJitRuleName(rule.name)?.kind !== "allow") continue;
    const description = parseAllowRuleDescription(rule.description);
    if (description === null) continue;
    found.push({ nsgId: nsg.id, ruleName: rule.name, grantId: description.grantId, expiresAt: description.expiresAt });
  }
  return found;
}
