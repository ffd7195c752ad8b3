import { armIdKey, diffRules, planEnable, planRemove } from "@portcullis/core";
import type { Nsg, NsgChange, PlanResult, VmPolicyTarget } from "@portcullis/core";
import type { NsgPlanSource } from "../lib/azure/nsg-apply.ts";

/** Runs `second` on what `first` leaves: one change per NSG, diffed against the NSG before both. */
export function composePlans(nsgs: readonly Nsg[], first: (nsgs: readonly Nsg[]) => PlanResult, second: (nsgs: readonly Nsg[]) => PlanResult): PlanResult {
  const one = first(nsgs);
  if (!one.ok) return one;
  const afterFirst = nsgs.map((nsg) => {
    const change = one.changes.find((c) => armIdKey(c.nsgId) === armIdKey(nsg.id));
    return change === undefined ? nsg : { ...nsg, rules: change.rules };
  });
  const two = second(afterFirst);
  if (!two.ok) return two;
  const changes: NsgChange[] = [];
  const unchanged: string[] = [];
  nsgs.forEach((original, index) => {
    const key = armIdKey(original.id);
    const final = two.changes.find((c) => armIdKey(c.nsgId) === key)?.rules ?? (afterFirst[index] as Nsg).rules;
    const change = diffRules(original.rules, final);
    if (change.added.length + change.removed.length + change.updated.length + change.renumbered.length === 0) unchanged.push(original.id);
    else changes.push({ nsgId: original.id, nsgName: original.name, rules: final, diff: change });
  });
  return { ok: true, changes, unchanged };
}

/**
 * Enable or edit: set each VM's rules to its new policy. Undo (a rollback) removes the rules of VMs that had
 * no policy and puts back the previous policy of the others.
 */
export function enableSource(targets: readonly VmPolicyTarget[], previous: readonly VmPolicyTarget[]): NsgPlanSource {
  const previousIds = new Set(previous.map((p) => armIdKey(p.position.vmId)));
  const fresh = targets.filter((t) => !previousIds.has(armIdKey(t.position.vmId))).map((t) => t.position.vmId);
  return {
    plan: (nsgs) => planEnable({ vms: [...targets], nsgs: [...nsgs] }),
    undo: (nsgs) =>
      composePlans(
        nsgs,
        (n) => planRemove({ vmIds: fresh, nsgs: [...n] }),
        (n) => (previous.length === 0 ? { ok: true, changes: [], unchanged: n.map((x) => x.id) } : planEnable({ vms: [...previous], nsgs: [...n] })),
      ),
  };
}

/** Remove: every rule of the VMs goes, other rules get their priorities back. Undo re-enables the previous policies. */
export function removeSource(vmIds: readonly string[], previous: readonly VmPolicyTarget[]): NsgPlanSource {
  return {
    plan: (nsgs) => planRemove({ vmIds: [...vmIds], nsgs: [...nsgs] }),
    undo: (nsgs) => (previous.length === 0 ? { ok: true, changes: [], unchanged: nsgs.map((n) => n.id) } : planEnable({ vms: [...previous], nsgs: [...nsgs] })),
  };
}
