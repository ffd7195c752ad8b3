import type { PrefixSizeLimits } from "../net/coverage.ts";
import type { NsgRule } from "../nsg/types.ts";

/** The API's (and Defender's) protocol spelling for a JIT port. */
export type JitProtocol = "TCP" | "UDP" | "Any";

/**
 * Who may be granted access: the requester's own choice (`per-request`, at
 * most `maxPrefixSize` wide in total, default a /24 of IPv4 and a /56 of
 * IPv6), any address (`any`, which must be chosen explicitly), or a fixed list
 * of CIDRs (or subsets of them).
 */
export type AllowedSources = { kind: "per-request"; maxPrefixSize?: PrefixSizeLimits } | { kind: "any" } | { kind: "prefixes"; prefixes: string[] };

export interface JitPortRule {
  port: number;
  protocol: JitProtocol;
  allowedSources: AllowedSources;
  /** 5 minutes to 24 hours. */
  maxRequestMinutes: number;
}

export interface JitPolicy {
  ports: JitPortRule[];
}

/** One NIC of a VM: its private IPs and the NSGs that decide inbound traffic to them. */
export interface VmNicPosition {
  id: string;
  /** IPv4 and IPv6 private IPs of the NIC's ip configurations. */
  privateIps: string[];
  /** The NSG on the NIC, if any. */
  nsgId: string | null;
  /**
   * The NSG on the subnet holding `privateIps`, if any. A NIC whose ip
   * configurations sit in two subnets is given as two entries with the same id.
   */
  subnetNsgId: string | null;
}

/** Where a VM sits in the network, as the planner needs it. */
export interface VmPosition {
  vmId: string;
  vmName: string;
  nics: VmNicPosition[];
}

export interface GrantPort {
  port: number;
  protocol: JitProtocol;
}

/** An approved request, ready to be opened. */
export interface Grant {
  /** 1-64 characters: letters, digits, `.`, `_`, `-` (a UUID fits). */
  id: string;
  vm: VmPosition;
  /** The policy in force for the VM; the grant's ports and sources must fit it. */
  policy: JitPolicy;
  /** CIDRs or bare IPs (host bits clear), or `*` when the policy allows any source. */
  sourcePrefixes: string[];
  ports: GrantPort[];
  /** When access ends; written to the Allow rule's description (UTC, to the second). */
  endsAt: Date;
}

export interface RuleRenumbering {
  name: string;
  from: number;
  to: number;
}

/** A rule whose name stays but whose content (ports, addresses, description...) changes. */
export interface RuleUpdate {
  before: NsgRule;
  after: NsgRule;
}

export interface NsgDiff {
  added: NsgRule[];
  removed: NsgRule[];
  /** Same rule, new priority only. Existing (non-JIT) rules only ever appear here. */
  renumbered: RuleRenumbering[];
  /** JIT rules rewritten in place (their priority may change too). */
  updated: RuleUpdate[];
  unchanged: number;
}

/** The new state of one NSG: write `rules` (the full custom rule list, both directions) in one PUT. */
export interface NsgChange {
  nsgId: string;
  nsgName: string;
  rules: NsgRule[];
  diff: NsgDiff;
  /** Set when the write also sets the NSG's `flushConnection` (absent: kept as it is). */
  flushConnection?: boolean;
}

export type PlanFailureReason =
  /** The NSG would exceed 1,000 rules, or every priority 100-4096 is taken. */
  | "no-room"
  /** The NSG's current rules are not something ARM would hold (priority out of range or duplicated). */
  | "invalid-nsg"
  /** The VM's position names an NSG that was not passed in. */
  | "nsg-missing"
  /** Some NIC of the VM has no NSG on it or on its subnet, so its addresses cannot be protected. */
  | "no-nsg"
  /** A grant targets a port the VM's NSGs do not protect with a JIT Deny rule (enable or repair first). */
  | "not-enabled"
  /** The policy, grant or position is malformed. */
  | "invalid-input";

export interface PlanFailure {
  ok: false;
  reason: PlanFailureReason;
  /** The NSG concerned, when the failure is about one. */
  nsgId: string | null;
  message: string;
}

export interface PlanSuccess {
  ok: true;
  /** One entry per NSG whose rules change: one write each. */
  changes: NsgChange[];
  /** NSGs that were considered and need no write. */
  unchanged: string[];
}

export type PlanResult = PlanSuccess | PlanFailure;
