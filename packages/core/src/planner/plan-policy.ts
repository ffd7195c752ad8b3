import { armIdKey } from "../inventory/arm-id.ts";
import type { IpFamily } from "../net/parse.ts";
import type { Nsg } from "../nsg/types.ts";
import { expandPorts, newDenyEntry, reshapeAllow } from "./jit-rules.ts";
import type { AllowEntry, DenyEntry } from "./jit-rules.ts";
import type { JitRuleSet, JitTransform } from "./nsg-plan.ts";
import { indexNsgs, invalidInput, planAll } from "./plan-common.ts";
import { validatePolicy } from "./policy-validation.ts";
import { coverageOf, ipsOfFamily } from "./position.ts";
import type { NsgCoverage } from "./position.ts";
import { parseJitRuleName, protocolGroupOf, vmHash } from "./rule-names.ts";
import type { ProtocolGroup } from "./rule-names.ts";
import type { JitPolicy, PlanFailure, PlanResult, VmPosition } from "./types.ts";

export interface VmPolicyTarget {
  position: VmPosition;
  policy: JitPolicy;
}

export interface PlanEnableInput {
  vms: VmPolicyTarget[];
  /**
   * Every NSG of the VMs' positions, plus any NSG that may still hold their
   * rules from an older position (their rules there are removed).
   */
  nsgs: Nsg[];
}

/** Edit takes the same input: the previous policy's rules are read from the NSGs by name. */
export type PlanEditInput = PlanEnableInput;

export interface PlanRemoveInput {
  vmIds: string[];
  /** The NSGs that may hold the VMs' rules (from the stored policy record or the current position). */
  nsgs: Nsg[];
}

const families: readonly IpFamily[] = ["ipv4", "ipv6"];
const groups: readonly ProtocolGroup[] = ["Tcp", "Udp", "*"];

interface PreparedVm {
  target: VmPolicyTarget;
  hash: string;
  coverage: Map<string, NsgCoverage>;
  portsByGroup: Map<ProtocolGroup, number[]>;
}

function portsByGroup(policy: JitPolicy): Map<ProtocolGroup, number[]> {
  const byGroup = new Map<ProtocolGroup, number[]>();
  for (const rule of policy.ports) {
    const group = protocolGroupOf(rule.protocol);
    byGroup.set(group, [...(byGroup.get(group) ?? []), rule.port]);
  }
  return byGroup;
}

function prepare(targets: readonly VmPolicyTarget[], nsgKeys: ReadonlySet<string>): PreparedVm[] | PlanFailure {
  const prepared: PreparedVm[] = [];
  const hashes = new Map<string, string>();
  for (const target of targets) {
    const { vmId, vmName } = target.position;
    const issues = validatePolicy(target.policy);
    const first = issues[0];
    if (first !== undefined) return invalidInput(`VM ${vmName}: the policy is invalid (${first.field}: ${first.rule})`);
    const hash = vmHash(vmId);
    const seen = hashes.get(hash);
    if (seen !== undefined) return invalidInput(seen === armIdKey(vmId) ? `VM ${vmName} is listed twice` : `VMs ${seen} and ${vmId} would get the same rule names`);
    hashes.set(hash, armIdKey(vmId));
    const coverage = coverageOf(target.position);
    if (!coverage.ok) return coverage;
    for (const entry of coverage.byNsg.values()) {
      if (!nsgKeys.has(armIdKey(entry.nsgId))) {
        return { ok: false, reason: "nsg-missing", nsgId: entry.nsgId, message: `VM ${vmName} sits behind NSG ${entry.nsgId}, which was not read` };
      }
    }
    prepared.push({ target, hash, coverage: coverage.byNsg, portsByGroup: portsByGroup(target.policy) });
  }
  return prepared;
}

function desiredDenies(vm: PreparedVm, covered: NsgCoverage | undefined): DenyEntry[] {
  if (covered === undefined) return [];
  const denies: DenyEntry[] = [];
  for (const group of groups) {
    const ports = vm.portsByGroup.get(group);
    if (ports === undefined) continue;
    for (const family of families) {
      const ips = ipsOfFamily(covered.ips, family);
      if (ips.length > 0) denies.push(newDenyEntry(vm.target.position, group, family, ports, ips));
    }
  }
  return denies;
}

/** An active grant keeps only what the new policy still protects here: its ports in the group, the VM's current IPs. */
function narrowAllow(allow: AllowEntry, vm: PreparedVm, covered: NsgCoverage | undefined): AllowEntry | null {
  if (covered === undefined) return null;
  const protectedPorts = new Set(vm.portsByGroup.get(allow.group) ?? []);
  const ports = expandPorts(allow.rule.destinationPortRanges).filter((port) => protectedPorts.has(port));
  const ips = ipsOfFamily(covered.ips, allow.family);
  if (ports.length === 0 || ips.length === 0) return null;
  return reshapeAllow(allow, ports, ips);
}

function policyTransform(vms: readonly PreparedVm[], nsg: Nsg): JitTransform {
  const key = armIdKey(nsg.id);
  const byHash = new Map(vms.map((vm) => [vm.hash, vm]));
  return (current): JitRuleSet => {
    const denies = current.denies.filter((deny) => !byHash.has(deny.vmHash));
    for (const vm of vms) denies.push(...desiredDenies(vm, vm.coverage.get(key)));
    const allows = current.allows.flatMap((allow) => {
      const vm = byHash.get(allow.vmHash);
      if (vm === undefined) return [allow];
      const narrowed = narrowAllow(allow, vm, vm.coverage.get(key));
      return narrowed === null ? [] : [narrowed];
    });
    return { denies, allows };
  };
}

/**
 * Protects the VMs' policy ports with Deny rules in every NSG that decides
 * inbound traffic to them, and sets each VM's rules to its policy in every
 * NSG passed in (so it also serves as edit and as repair after drift).
 * One new rule set per NSG, however many VMs share it.
 */
export function planEnable(input: PlanEnableInput): PlanResult {
  const nsgs = indexNsgs(input.nsgs);
  if (!(nsgs instanceof Map)) return nsgs;
  const vms = prepare(input.vms, new Set(nsgs.keys()));
  if (!Array.isArray(vms)) return vms;
  return planAll(input.nsgs, (nsg) => policyTransform(vms, nsg));
}

/**
 * Moves the VMs from the policy the NSGs hold to the new one: only rules that
 * differ change; active grants lose ports the new policy no longer protects.
 */
export function planEdit(input: PlanEditInput): PlanResult {
  return planEnable(input);
}

/**
 * Removes every JIT rule of the VMs (Deny and Allow, and rules under their
 * names whose description was damaged) from the NSGs and gives the other
 * rules back their original priorities, from the NSGs alone.
 */
export function planRemove(input: PlanRemoveInput): PlanResult {
  const nsgs = indexNsgs(input.nsgs);
  if (!(nsgs instanceof Map)) return nsgs;
  const hashes = new Set(input.vmIds.map(vmHash));
  const ofTheseVms = (name: string) => {
    const parsed = parseJitRuleName(name);
    return parsed !== null && hashes.has(parsed.vmHash);
  };
  return planAll(input.nsgs, () => (current) => ({
    denies: current.denies.filter((deny) => !hashes.has(deny.vmHash)),
    allows: current.allows.filter((allow) => !hashes.has(allow.vmHash)),
    dropDamaged: current.damaged.filter((entry) => ofTheseVms(entry.name)),
  }));
}
