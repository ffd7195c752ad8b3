import type { Nsg, NsgRule } from "../../nsg/types.ts";
import type { JitPolicy, JitPortRule, NsgChange, PlanResult, VmPosition } from "../types.ts";

/** Test-only builders for planner tests. */
export const vnet = ["10.1.0.0/16", "2001:db8:1::/48"];

export function vmPosition(name: string, nics: Array<{ ips: string[]; nicNsg?: Nsg; subnetNsg?: Nsg }>): VmPosition {
  return {
    vmId: `/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/${name}`,
    vmName: name,
    nics: nics.map((nic, i) => ({ id: `${name}-nic-${i}`, privateIps: nic.ips, nsgId: nic.nicNsg?.id ?? null, subnetNsgId: nic.subnetNsg?.id ?? null })),
  };
}

export function port(number: number, protocol: JitPortRule["protocol"] = "TCP", allowedSources: JitPortRule["allowedSources"] = { kind: "per-request" }): JitPortRule {
  return { port: number, protocol, allowedSources, maxRequestMinutes: 180 };
}

export function policy(...ports: JitPortRule[]): JitPolicy {
  return { ports };
}

/** The one change a plan makes to the NSG, or a failure in the test. */
export function changeOf(result: PlanResult, nsg: Nsg): NsgChange {
  if (!result.ok) throw new Error(`plan failed: ${result.message}`);
  const change = result.changes.find((c) => c.nsgId === nsg.id);
  if (change === undefined) throw new Error(`no change for ${nsg.name}`);
  return change;
}

export function after(result: PlanResult, nsg: Nsg): Nsg {
  if (!result.ok) throw new Error(`plan failed: ${result.message}`);
  const change = result.changes.find((c) => c.nsgId === nsg.id);
  return change === undefined ? nsg : { ...nsg, rules: change.rules };
}

/** `name@priority` of the inbound rules in evaluation order, JIT names shortened to `deny:<vm>:tcp4` / `allow:<vm>:tcp4`. */
export function layoutOf(rules: readonly NsgRule[]): string[] {
  return rules
    .filter((rule) => rule.direction === "Inbound")
    .sort((a, b) => a.priority - b.priority)
    .map((rule) => {
      const jit = /^portcullis-jit-(deny|allow)-([a-z0-9-]+?)-[0-9a-f]{12}(?:-[0-9a-f]{12})?-([a-z]{3}[46])$/.exec(rule.name);
      return `${jit === null ? rule.name : `${jit[1]}:${jit[2]}:${jit[3]}`}@${rule.priority}`;
    });
}
