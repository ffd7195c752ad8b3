import { armIdKey, evaluateNsgRules, parseJitRuleName, planEdit, vmHash } from "@portcullis/core";
import type { FlowProtocol, JitPolicy, Nsg, NsgChange, NsgRule, PlanResult, VmPosition } from "@portcullis/core";

/** A VM with a stored policy, where it sits now. */
export interface DriftTarget {
  position: VmPosition;
  policy: JitPolicy;
}

export interface DriftReport {
  /** Findings per VM (lower-cased id); an empty list means no drift. */
  byVm: Map<string, string[]>;
  /** What re-applying every policy would write (the repair), or why it cannot be planned. */
  plan: PlanResult;
}

const flowProtocols: Record<JitPolicy["ports"][number]["protocol"], FlowProtocol[]> = { TCP: ["Tcp"], UDP: ["Udp"], Any: ["Tcp", "Udp"] };

function describeRule(rule: NsgRule): string {
  const kind = parseJitRuleName(rule.name)?.kind;
  const what = kind === "deny" ? "JIT Deny rule" : kind === "allow" ? "JIT Allow rule" : "rule";
  return `${what} ${rule.name} (priority ${rule.priority}, ports ${rule.destinationPortRanges.join(",")})`;
}

/** The NSGs each VM sits behind, keyed by lower-cased NSG id, with the VM's addresses there. */
function nsgsOf(position: VmPosition): Map<string, string[]> {
  const byNsg = new Map<string, string[]>();
  for (const nic of position.nics) {
    for (const nsgId of [nic.nsgId, nic.subnetNsgId]) {
      if (nsgId === null) continue;
      byNsg.set(armIdKey(nsgId), [...(byNsg.get(armIdKey(nsgId)) ?? []), ...nic.privateIps]);
    }
  }
  return byNsg;
}

/** Findings from the plan: each change re-applying the policies would make is something that drifted. */
function planFindings(changes: readonly NsgChange[], targets: readonly DriftTarget[], add: (vmKey: string, text: string) => void): void {
  const byHash = new Map(targets.map((t) => [vmHash(t.position.vmId), armIdKey(t.position.vmId)]));
  const behind = (nsgKey: string) => targets.filter((t) => nsgsOf(t.position).has(nsgKey)).map((t) => armIdKey(t.position.vmId));
  for (const change of changes) {
    const where = `NSG ${change.nsgName}`;
    const owners = (rule: NsgRule): string[] => {
      const parsed = parseJitRuleName(rule.name);
      const owner = parsed === null ? undefined : byHash.get(parsed.vmHash);
      return owner !== undefined ? [owner] : behind(armIdKey(change.nsgId));
    };
    for (const rule of change.diff.added) for (const vm of owners(rule)) add(vm, `${where}: ${describeRule(rule)} is missing`);
    for (const rule of change.diff.removed) for (const vm of owners(rule)) add(vm, `${where}: ${describeRule(rule)} should not be there`);
    for (const { after } of change.diff.updated) for (const vm of owners(after)) add(vm, `${where}: ${describeRule(after)} differs from what the policy writes`);
    for (const moved of change.diff.renumbered) {
      const rule = change.rules.find((r) => r.name === moved.name);
      const text = parseJitRuleName(moved.name) === null ? `rule ${moved.name} is at priority ${moved.from}, where the JIT rules need priority ${moved.to} for it` : `JIT rule ${moved.name} is at priority ${moved.from} instead of ${moved.to}`;
      for (const vm of rule === undefined ? behind(armIdKey(change.nsgId)) : owners(rule)) add(vm, `${where}: ${text}`);
    }
  }
}

/** Sources to test a protected port from: any Internet host, and one address of each foreign Allow rule's ranges. */
function probeSources(nsg: Nsg, destination: string): string[] {
  const v6 = destination.includes(":");
  const sources = new Set(["Internet"]);
  for (const rule of nsg.rules) {
    if (rule.direction !== "Inbound" || rule.access !== "Allow" || parseJitRuleName(rule.name) !== null) continue;
    for (const prefix of rule.sourceAddressPrefixes) {
      const address = prefix.split("/")[0] ?? "";
      if (/^[\d.]+$/.test(address) && !v6) sources.add(address);
      if (address.includes(":") && v6) sources.add(address);
    }
  }
  return [...sources];
}

/** Foreign rules (not Portcullis's) through which a protected port of the VM is reachable in one NSG. */
function reopeningFindings(target: DriftTarget, nsg: Nsg, ips: readonly string[], add: (text: string) => void): void {
  // Active grants open ports on purpose; only what remains without them counts.
  const rules = nsg.rules.filter((rule) => parseJitRuleName(rule.name)?.kind !== "allow");
  for (const port of target.policy.ports) {
    for (const protocol of flowProtocols[port.protocol]) {
      for (const ip of ips) {
        for (const source of probeSources(nsg, ip)) {
          let verdict;
          try {
            verdict = evaluateNsgRules(rules, { source, destination: ip, port: port.port, protocol }, { virtualNetworkPrefixes: [] });
          } catch {
            continue;
          }
          if (verdict.access !== "Allow" || verdict.rule.isDefault || parseJitRuleName(verdict.rule.name) !== null) continue;
          add(`NSG ${nsg.name}: rule ${verdict.rule.name} (priority ${verdict.rule.priority}) re-opens port ${port.port}/${protocol.toUpperCase()} to ${ip} from ${source === "Internet" ? "the Internet" : source}`);
        }
      }
    }
  }
}

/**
 * What drifted around each VM with a policy: `planEdit` with the stored policy on the live NSGs yields changes
 * exactly when Portcullis's own rules drifted (a missing or moved Deny rule, a stray rule); the evaluator finds
 * foreign rules that re-open a protected port. Expired Allow rules are the expiry job's and reconciler's, not
 * drift of the policy.
 */
export function findDrift(targets: readonly DriftTarget[], nsgs: readonly Nsg[]): DriftReport {
  const byVm = new Map<string, string[]>(targets.map((t) => [armIdKey(t.position.vmId), []]));
  const add = (vmKey: string, text: string) => {
    const list = byVm.get(vmKey);
    if (list !== undefined && !list.includes(text)) list.push(text);
  };
  const nsgByKey = new Map(nsgs.map((nsg) => [armIdKey(nsg.id), nsg]));
  const plan = planEdit({ vms: [...targets], nsgs: [...nsgs] });
  if (plan.ok) planFindings(plan.changes, targets, add);
  else {
    // One VM the planner refuses must not hide the others' drift.
    for (const target of targets) {
      const own = [...nsgsOf(target.position).keys()].flatMap((key) => nsgByKey.get(key) ?? []);
      const single = planEdit({ vms: [target], nsgs: own });
      if (single.ok) planFindings(single.changes, [target], add);
      else add(armIdKey(target.position.vmId), `cannot be checked: ${single.message}`);
    }
  }
  for (const target of targets) {
    for (const [key, ips] of nsgsOf(target.position)) {
      const nsg = nsgByKey.get(key);
      if (nsg !== undefined) reopeningFindings(target, nsg, ips, (text) => add(armIdKey(target.position.vmId), text));
    }
  }
  for (const list of byVm.values()) list.sort();
  return { byVm, plan };
}
