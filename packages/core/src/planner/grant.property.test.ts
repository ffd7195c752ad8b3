import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cidrContainsIp } from "../net/compare.ts";
import { parseCidr, parseIp } from "../net/parse.ts";
import type { Nsg } from "../nsg/types.ts";
import { findExpiredAllowRules, planExpire, planGrant } from "./plan-grant.ts";
import { planEdit, planEnable } from "./plan-policy.ts";
import { denseScenarioArb, grantSourcePool, policyArb } from "./test-support/arbitraries.ts";
import type { Scenario } from "./test-support/arbitraries.ts";
import { applyPlan, flowsOf, portsToJudge, verdicts } from "./test-support/judge.ts";
import type { JudgedFlow } from "./test-support/judge.ts";
import type { Grant, JitPolicy } from "./types.ts";

const runs = { numRuns: 1000 };
const start = Date.parse("2026-11-24T12:00:00Z");

interface GrantScenario {
  scenario: Scenario;
  grants: Grant[];
}

function grantArb(scenario: Scenario, index: number): fc.Arbitrary<Grant> {
  return fc.integer({ min: 0, max: scenario.vms.length - 1 }).chain((vmIndex) => {
    const target = scenario.vms[vmIndex] ?? scenario.vms[0];
    if (target === undefined) throw new Error("scenario without VMs");
    return fc
      .record({
        ports: fc.subarray(target.policy.ports, { minLength: 1 }),
        ipv4: fc.constantFrom(...grantSourcePool.filter((prefix) => !prefix.includes(":"))),
        ipv6: fc.subarray(grantSourcePool.filter((prefix) => prefix.includes(":")), { maxLength: 1 }),
        everyone: fc.boolean(),
        minutes: fc.integer({ min: 5, max: 1440 }),
      })
      .map(({ ports, ipv4, ipv6, everyone, minutes }): Grant => {
        const anyAllowed = ports.every((rule) => rule.allowedSources.kind === "any");
        return {
          id: `grant-${index}-${vmIndex}`,
          vm: target.position,
          policy: target.policy,
          sourcePrefixes: everyone && anyAllowed ? ["*"] : [ipv4, ...ipv6],
          ports: ports.map(({ port, protocol }) => ({ port, protocol })),
          endsAt: new Date(start + minutes * 60_000 + 500),
        };
      });
  });
}

const grantScenarioArb: fc.Arbitrary<GrantScenario> = denseScenarioArb.chain((scenario) =>
  fc.integer({ min: 1, max: 2 }).chain((count) =>
    fc.tuple(...Array.from({ length: count }, (_, i) => grantArb(scenario, i))).map((grants) => ({ scenario, grants })),
  ),
);

function sourceIn(source: string, prefixes: readonly string[]): boolean {
  if (prefixes.includes("*")) return true;
  const ip = parseIp(source);
  return ip.ok && prefixes.some((prefix) => {
    const cidr = parseCidr(prefix);
    return cidr.ok && cidrContainsIp(cidr.value, ip.value);
  });
}

function isGranted(grants: readonly Grant[], flow: JudgedFlow): boolean {
  return grants.some(
    (grant) =>
      grant.vm.nics.some((nic) => nic.privateIps.includes(flow.destination)) &&
      grant.ports.some((port) => port.port === flow.port && (port.protocol === "Any" || port.protocol.toLowerCase() === flow.protocol.toLowerCase())) &&
      sourceIn(flow.source, grant.sourcePrefixes),
  );
}

function isProtected(scenario: Scenario, flow: JudgedFlow): boolean {
  return scenario.vms.some(
    ({ position, policy }) =>
      position.nics.some((nic) => nic.privateIps.includes(flow.destination)) &&
      policy.ports.some((rule) => rule.port === flow.port && (rule.protocol === "Any" || rule.protocol.toLowerCase() === flow.protocol.toLowerCase())),
  );
}

/** A grant keeps the ports the VM's new policy still lists with the same protocol. */
function narrowed(grants: readonly Grant[], scenario: Scenario): Grant[] {
  return grants.map((grant) => {
    const policy: JitPolicy | undefined = scenario.vms.find((vm) => vm.position.vmId === grant.vm.vmId)?.policy;
    return { ...grant, ports: grant.ports.filter((p) => policy?.ports.some((rule) => rule.port === p.port && rule.protocol === p.protocol) ?? false) };
  });
}

function byName(nsgs: readonly Nsg[]): Nsg[] {
  return nsgs.map((nsg) => ({ ...nsg, rules: [...nsg.rules].sort((a, b) => (a.name < b.name ? -1 : 1)) }));
}

function enable(scenario: Scenario): Nsg[] {
  return applyPlan(scenario.nsgs, planEnable({ vms: scenario.vms, nsgs: scenario.nsgs }));
}

describe("planner properties: grant and expire", () => {
  it("after a grant the granted sources reach the granted ports on the VM's IPs, and nothing else changes", () => {
    fc.assert(
      fc.property(grantScenarioArb, fc.integer({ min: 0, max: 65535 }), ({ scenario, grants }, extraPort) => {
        const flows = flowsOf(scenario, portsToJudge(scenario, extraPort), "198.51.100.77");
        const enabled = enable(scenario);
        const before = verdicts(flows, enabled);
        const granted = applyPlan(enabled, planGrant({ grants, nsgs: enabled }));
        const after = verdicts(flows, granted);
        flows.forEach((flow, i) => {
          const expected = isGranted(grants, flow) ? "Allow" : before[i];
          if (after[i] !== expected) expect.fail(`${flow.protocol} ${flow.source} -> ${flow.destination}:${flow.port} was ${before[i]}, is ${after[i]}, expected ${expected}`);
        });
      }),
      runs,
    );
  });

  it("after expiry every NSG equals the NSG right after enable, exactly", () => {
    fc.assert(
      fc.property(grantScenarioArb, ({ scenario, grants }) => {
        const enabled = enable(scenario);
        const granted = applyPlan(enabled, planGrant({ grants, nsgs: enabled }));
        const expired = applyPlan(granted, planExpire({ grantIds: grants.map((grant) => grant.id), nsgs: granted }));
        expect(expired).toEqual(enabled);
      }),
      runs,
    );
  });

  it("the reconciler finds every grant's Allow rules by description once they end, and closing them restores the NSG", () => {
    fc.assert(
      fc.property(grantScenarioArb, ({ scenario, grants }) => {
        const enabled = enable(scenario);
        const granted = applyPlan(enabled, planGrant({ grants, nsgs: enabled }));
        const latest = Math.max(...grants.map((grant) => grant.endsAt.getTime()));
        expect(granted.flatMap((nsg) => findExpiredAllowRules(nsg, new Date(start)))).toEqual([]);
        const due = granted.flatMap((nsg) => findExpiredAllowRules(nsg, new Date(latest)));
        expect(new Set(due.map((record) => record.grantId))).toEqual(new Set(grants.map((grant) => grant.id)));
        const closed = applyPlan(granted, planExpire({ grantIds: due.map((record) => record.grantId), nsgs: granted }));
        expect(closed).toEqual(enabled);
      }),
      runs,
    );
  });

  it("editing a policy while grants are open keeps the new ports closed except to what is still granted, and expiry then equals enabling the new policy", () => {
    fc.assert(
      fc.property(grantScenarioArb, policyArb, ({ scenario, grants }, newPolicy) => {
        const edited: Scenario = { ...scenario, vms: scenario.vms.map((vm, i) => (i === 0 ? { ...vm, policy: newPolicy } : vm)) };
        const flows = flowsOf(scenario, [...new Set([...portsToJudge(scenario, 22), ...portsToJudge(edited, 22)])], "198.51.100.77");
        const original = verdicts(flows, scenario.nsgs);
        const granted = applyPlan(enable(scenario), planGrant({ grants, nsgs: enable(scenario) }));
        const afterEdit = applyPlan(granted, planEdit({ vms: edited.vms, nsgs: granted }));
        const stillGranted = narrowed(grants, edited);
        const now = verdicts(flows, afterEdit);
        flows.forEach((flow, i) => {
          const expected = isGranted(stillGranted, flow) ? "Allow" : isProtected(edited, flow) ? "Deny" : original[i];
          if (now[i] !== expected) expect.fail(`${flow.protocol} ${flow.source} -> ${flow.destination}:${flow.port} was ${original[i]}, is ${now[i]}, expected ${expected}`);
        });
        const expired = applyPlan(afterEdit, planExpire({ grantIds: grants.map((grant) => grant.id), nsgs: afterEdit }));
        expect(byName(expired)).toEqual(byName(enable(edited)));
      }),
      { numRuns: 500 },
    );
  });

  it("a grant that supersedes another gives the same NSGs as granting only the newer one", () => {
    const twoGrants = grantScenarioArb.filter(({ grants }) => grants.length === 2);
    fc.assert(
      fc.property(twoGrants, ({ scenario, grants: [older, newer] }) => {
        if (older === undefined || newer === undefined) return;
        const enabled = enable(scenario);
        const withOlder = applyPlan(enabled, planGrant({ grants: [older], nsgs: enabled }));
        const superseded = applyPlan(withOlder, planGrant({ grants: [newer], supersedes: [older.id], nsgs: withOlder }));
        const direct = applyPlan(enabled, planGrant({ grants: [newer], nsgs: enabled }));
        expect(superseded).toEqual(direct);
      }),
      { numRuns: 500 },
    );
  });
});
