import { formatCidr } from "../net/parse.ts";
import type { Cidr, IpAddress, IpFamily } from "../net/parse.ts";
import type { NsgRule } from "../nsg/types.ts";
import { compilePorts, readPrefix, readRule } from "./matching.ts";
import type { JitScope, ReadRule } from "./matching.ts";
import { allowRuleDescription, denyRuleDescription, parseAllowRuleDescription, parseDenyRuleDescription } from "./rule-descriptions.ts";
import { allowRuleName, denyRuleName, parseJitRuleName, vmHash } from "./rule-names.ts";
import type { ProtocolGroup } from "./rule-names.ts";

/** An inbound rule Portcullis does not manage (including a `portcullis-jit-` rule it cannot read). */
export interface ForeignEntry {
  kind: "foreign";
  name: string;
  rule: NsgRule;
  read: ReadRule;
}

interface JitEntryBase {
  name: string;
  vmHash: string;
  group: ProtocolGroup;
  family: IpFamily;
  /** Content; priority and description are set when the rule is placed. */
  rule: NsgRule;
  read: ReadRule;
  scope: JitScope;
  /** The shift recorded in the description when the rule was read (0 for a new rule). */
  shift: number;
}

export interface DenyEntry extends JitEntryBase {
  kind: "deny";
  vmName: string;
}

export interface AllowEntry extends JitEntryBase {
  kind: "allow";
  grantId: string;
  expiresAt: Date;
}

export type JitEntry = DenyEntry | AllowEntry;
export type LayoutEntry = ForeignEntry | JitEntry;

function byteOrder(a: IpAddress, b: IpAddress): number {
  const x = a.toByteArray();
  const y = b.toByteArray();
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Canonical, sorted, without duplicates; a single address bare (as Azure shows it), a prefix as a CIDR. */
export function formatIps(ips: readonly Cidr[]): string[] {
  const sorted = [...ips].sort((a, b) => byteOrder(a.network, b.network) || a.prefixLength - b.prefixLength);
  return [...new Set(sorted.map((cidr) => formatCidr(cidr, { bareHost: true })))];
}

/** `[22, 5986, 5985]` -> `["22", "5985-5986"]`. */
export function formatPorts(ports: readonly number[]): string[] {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const ranges: string[] = [];
  let start: number | undefined;
  let previous: number | undefined;
  for (const port of [...sorted, Number.NaN]) {
    if (previous !== undefined && port === previous + 1) {
      previous = port;
      continue;
    }
    if (start !== undefined && previous !== undefined) ranges.push(start === previous ? String(start) : `${start}-${previous}`);
    start = port;
    previous = port;
  }
  return ranges;
}

/** The ports a rule's destination ranges list (ranges expanded). */
export function expandPorts(ranges: readonly string[]): number[] {
  return compilePorts(ranges).flatMap((range) => Array.from({ length: range.to - range.from + 1 }, (_, i) => range.from + i));
}

function parseDestinations(prefixes: readonly string[]): Cidr[] {
  return prefixes.flatMap((text) => {
    const matcher = readPrefix(text.trim());
    return matcher.kind === "cidr" ? [matcher.cidr] : [];
  });
}

function parseSources(prefixes: readonly string[]): Cidr[] | "any" {
  if (prefixes.some((text) => text.trim() === "*")) return "any";
  return prefixes.flatMap((text) => {
    const matcher = readPrefix(text.trim());
    return matcher.kind === "cidr" ? [matcher.cidr] : [];
  });
}

function scopeOf(rule: NsgRule, group: ProtocolGroup): JitScope {
  return {
    group,
    ports: compilePorts(rule.destinationPortRanges),
    destinations: parseDestinations(rule.destinationAddressPrefixes),
    sources: rule.access === "Deny" ? "any" : parseSources(rule.sourceAddressPrefixes),
  };
}

function inboundRule(name: string, access: NsgRule["access"], group: ProtocolGroup, sources: string[], destinations: string[], ports: string[]): NsgRule {
  return {
    name,
    priority: 0,
    direction: "Inbound",
    access,
    protocol: group,
    sourceAddressPrefixes: sources,
    sourcePortRanges: ["*"],
    destinationAddressPrefixes: destinations,
    destinationPortRanges: ports,
  };
}

/** Sorts an NSG's inbound rule into Portcullis's own (name and description both readable) or foreign. */
export function classifyRule(rule: NsgRule): LayoutEntry {
  const parsedName = parseJitRuleName(rule.name);
  if (parsedName?.kind === "deny") {
    const description = parseDenyRuleDescription(rule.description);
    if (description !== null) {
      const { vmHash: hash, group, family } = parsedName;
      return { kind: "deny", name: rule.name, vmHash: hash, group, family, rule, read: readRule(rule), scope: scopeOf(rule, group), shift: description.shift, vmName: description.vmName };
    }
  }
  if (parsedName?.kind === "allow") {
    const description = parseAllowRuleDescription(rule.description);
    if (description !== null) {
      const { vmHash: hash, group, family } = parsedName;
      const { grantId, expiresAt, shift } = description;
      return { kind: "allow", name: rule.name, vmHash: hash, group, family, rule, read: readRule(rule), scope: scopeOf(rule, group), shift, grantId, expiresAt };
    }
  }
  return { kind: "foreign", name: rule.name, rule, read: readRule(rule) };
}

export interface VmRef {
  vmId: string;
  vmName: string;
}

export function newDenyEntry(vm: VmRef, group: ProtocolGroup, family: IpFamily, ports: readonly number[], ips: readonly Cidr[]): DenyEntry {
  const name = denyRuleName(vm, group, family);
  const rule = inboundRule(name, "Deny", group, ["*"], formatIps(ips), formatPorts(ports));
  return { kind: "deny", name, vmHash: vmHash(vm.vmId), group, family, rule, read: readRule(rule), scope: scopeOf(rule, group), shift: 0, vmName: vm.vmName };
}

export interface AllowContent {
  grantId: string;
  expiresAt: Date;
  /** `*` or CIDRs of `family`. */
  sources: readonly Cidr[] | "any";
  ports: readonly number[];
  ips: readonly Cidr[];
}

export function newAllowEntry(vm: VmRef, group: ProtocolGroup, family: IpFamily, content: AllowContent): AllowEntry {
  const name = allowRuleName(vm, content.grantId, group, family);
  const sources = content.sources === "any" ? ["*"] : [...new Set(content.sources.map((cidr) => formatCidr(cidr, { bareHost: true })))];
  const rule = inboundRule(name, "Allow", group, sources, formatIps(content.ips), formatPorts(content.ports));
  return { kind: "allow", name, vmHash: vmHash(vm.vmId), group, family, rule, read: readRule(rule), scope: scopeOf(rule, group), shift: 0, grantId: content.grantId, expiresAt: content.expiresAt };
}

/** The same Allow with other ports or destinations (an edited policy narrows an active grant). */
export function reshapeAllow(entry: AllowEntry, ports: readonly number[], ips: readonly Cidr[]): AllowEntry {
  const rule = { ...entry.rule, destinationAddressPrefixes: formatIps(ips), destinationPortRanges: formatPorts(ports) };
  return { ...entry, rule, read: readRule(rule), scope: scopeOf(rule, entry.group) };
}

/** The rule as written: its place in the layout and a description recording its shift. */
export function finalRule(entry: LayoutEntry, priority: number, shift: number): NsgRule {
  if (entry.kind === "foreign") return { ...entry.rule, priority };
  const description = entry.kind === "deny" ? denyRuleDescription(entry.vmName, shift) : allowRuleDescription(entry.grantId, entry.expiresAt, shift);
  return { ...entry.rule, priority, description };
}
