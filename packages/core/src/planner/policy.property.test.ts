import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Nsg } from "../nsg/types.ts";
import { planEdit, planEnable, planRemove } from "./plan-policy.ts";
import { policyArb, denseScenarioArb, sparseScenarioArb } from "./test-support/arbitraries.ts";
import type { Scenario } from "./test-support/arbitraries.ts";
import { applyPlan, existingInOrder, flowsOf, portsToJudge, verdicts } from "./test-support/judge.ts";
import type { JudgedFlow } from "./test-support/judge.ts";

const runs = { numRuns: 1000 };
const publicIpArb = fc.ipV4().filter((ip) => !ip.startsWith("10.") && !ip.startsWith("192.168.") && !ip.startsWith("168.63."));
const extraPortArb = fc.integer({ min: 0, max: 65535 });

/** True when the flow targets a VM's IP on a port and protocol its policy protects. */
function isProtected(scenario: Scenario, flow: JudgedFlow): boolean {
  return scenario.vms.some(
    ({ position, policy }) =>
      position.nics.some((nic) => nic.privateIps.includes(flow.destination)) &&
      policy.ports.some((rule) => rule.port === flow.port && (rule.protocol === "Any" || rule.protocol.toLowerCase() === flow.protocol.toLowerCase())),
  );
}

function existingNames(nsgs: readonly Nsg[]): Map<string, Set<string>> {
  return new Map(nsgs.map((nsg) => [nsg.id, new Set(nsg.rules.map((rule) => rule.name))]));
}

describe("planner properties: enable, remove, edit", () => {
  it("after enable, no source reaches a JIT port on the VM's IPs, and every other flow keeps its verdict", () => {
    fc.assert(
      fc.property(denseScenarioArb, publicIpArb, extraPortArb, (scenario, publicIp, extraPort) => {
        const flows = flowsOf(scenario, portsToJudge(scenario, extraPort), publicIp);
        const before = verdicts(flows, scenario.nsgs);
        const enabled = applyPlan(scenario.nsgs, planEnable({ vms: scenario.vms, nsgs: scenario.nsgs }));
        const after = verdicts(flows, enabled);
        flows.forEach((flow, i) => {
          const expected = isProtected(scenario, flow) ? "Deny" : before[i];
          if (after[i] !== expected) expect.fail(`${flow.protocol} ${flow.source} -> ${flow.destination}:${flow.port} was ${before[i]}, is ${after[i]}, expected ${expected}`);
        });
      }),
      runs,
    );
  });

  it("after remove, every NSG equals the original exactly (rules, priorities, order), so every verdict is back", () => {
    fc.assert(
      fc.property(denseScenarioArb, (scenario) => {
        const enabled = applyPlan(scenario.nsgs, planEnable({ vms: scenario.vms, nsgs: scenario.nsgs }));
        const vmIds = scenario.vms.map((vm) => vm.position.vmId);
        const removed = applyPlan(enabled, planRemove({ vmIds, nsgs: enabled }));
        expect(removed).toEqual(scenario.nsgs);
      }),
      runs,
    );
  });

  it("existing rules keep their relative order, only move up, and by no more than the number of rules added", () => {
    fc.assert(
      fc.property(denseScenarioArb, (scenario) => {
        const result = planEnable({ vms: scenario.vms, nsgs: scenario.nsgs });
        const enabled = applyPlan(scenario.nsgs, result);
        const names = existingNames(scenario.nsgs);
        scenario.nsgs.forEach((nsg, i) => {
          const own = names.get(nsg.id) ?? new Set<string>();
          const after = enabled[i] ?? nsg;
          expect(existingInOrder(after.rules, own)).toEqual(existingInOrder(nsg.rules, own));
          const change = result.ok ? result.changes.find((c) => c.nsgId === nsg.id) : undefined;
          const addedCount = change?.diff.added.length ?? 0;
          for (const move of change?.diff.renumbered ?? []) {
            expect(move.to).toBeGreaterThan(move.from);
            expect(move.to - move.from).toBeLessThanOrEqual(addedCount);
          }
          // Existing rules are never rewritten or dropped, only renumbered.
          expect(change?.diff.removed ?? []).toEqual([]);
          expect((change?.diff.updated ?? []).filter((u) => own.has(u.before.name))).toEqual([]);
        });
      }),
      runs,
    );
  });

  it("when there is a free number ahead of every rule, no existing rule is renumbered", () => {
    fc.assert(
      fc.property(sparseScenarioArb, (scenario) => {
        const result = planEnable({ vms: scenario.vms, nsgs: scenario.nsgs });
        expect(result.ok).toBe(true);
        if (result.ok) for (const change of result.changes) expect(change.diff.renumbered).toEqual([]);
      }),
      runs,
    );
  });

  it("enabling again with the same policies changes nothing", () => {
    fc.assert(
      fc.property(denseScenarioArb, (scenario) => {
        const enabled = applyPlan(scenario.nsgs, planEnable({ vms: scenario.vms, nsgs: scenario.nsgs }));
        const again = planEnable({ vms: scenario.vms, nsgs: enabled });
        expect(again.ok && again.changes).toEqual([]);
      }),
      runs,
    );
  });

  it("editing to a new policy gives the same rules as enabling the new policy on the original NSGs", () => {
    fc.assert(
      fc.property(denseScenarioArb, policyArb, (scenario, newPolicy) => {
        const enabled = applyPlan(scenario.nsgs, planEnable({ vms: scenario.vms, nsgs: scenario.nsgs }));
        const edited = scenario.vms.map((vm, i) => (i === 0 ? { ...vm, policy: newPolicy } : vm));
        const viaEdit = applyPlan(enabled, planEdit({ vms: edited, nsgs: enabled }));
        const direct = applyPlan(scenario.nsgs, planEnable({ vms: edited, nsgs: scenario.nsgs }));
        const byName = (nsgs: Nsg[]) => nsgs.map((nsg) => [...nsg.rules].sort((a, b) => (a.name < b.name ? -1 : 1)));
        expect(byName(viaEdit)).toEqual(byName(direct));
      }),
      runs,
    );
  });

  it("removing one of two VMs sharing NSGs keeps the other protected and gives the first its old verdicts", () => {
    const twoVms = denseScenarioArb.filter((scenario) => scenario.vms.length === 2);
    fc.assert(
      fc.property(twoVms, publicIpArb, extraPortArb, (scenario, publicIp, extraPort) => {
        const flows = flowsOf(scenario, portsToJudge(scenario, extraPort), publicIp);
        const before = verdicts(flows, scenario.nsgs);
        const enabled = applyPlan(scenario.nsgs, planEnable({ vms: scenario.vms, nsgs: scenario.nsgs }));
        const [first, second] = scenario.vms;
        if (first === undefined || second === undefined) return;
        const after = verdicts(flows, applyPlan(enabled, planRemove({ vmIds: [first.position.vmId], nsgs: enabled })));
        const onlySecond: Scenario = { ...scenario, vms: [second] };
        flows.forEach((flow, i) => {
          const expected = isProtected(onlySecond, flow) ? "Deny" : before[i];
          if (after[i] !== expected) expect.fail(`${flow.protocol} ${flow.source} -> ${flow.destination}:${flow.port} is ${after[i]}, expected ${expected}`);
        });
      }),
      { numRuns: 300 },
    );
  });
});
