import { createEvaluationCache } from "../../nsg/compile.ts";
import { evaluateInboundCompiled, parseFlow } from "../../nsg/evaluator.ts";
import type { ParsedFlow } from "../../nsg/evaluator.ts";
import type { FlowProtocol, Nsg, NsgRule, RuleAccess } from "../../nsg/types.ts";
import type { NsgChange, PlanResult } from "../types.ts";
import { vnetPrefixes } from "./arbitraries.ts";
import type { Scenario } from "./arbitraries.ts";

/** Test-only: the evaluator as the judge of what a plan did to traffic. */
export interface JudgedFlow {
  source: string;
  destination: string;
  port: number;
  protocol: FlowProtocol;
  subnetNsgId: string | null;
  nicNsgId: string | null;
  parsed: ParsedFlow;
}

const sources4 = ["Internet", "10.1.0.99", "168.63.129.16", "203.0.113.7", "203.0.113.200"];
const sources6 = ["Internet", "2001:db8:1::99", "2001:db8:ff::9"];

/** Flows from Internet, a random public host, the VNet, the Azure platform IP and a grant-pool host, to every destination. */
export function flowsOf(scenario: Scenario, ports: readonly number[], randomPublicIp: string): JudgedFlow[] {
  const flows: JudgedFlow[] = [];
  for (const destination of scenario.destinations) {
    const sources = destination.ip.includes(":") ? sources6 : [...sources4, randomPublicIp];
    for (const source of sources) {
      // Parsing addresses is the slow part: once per source and destination.
      const endpoints = parseFlow({ source, destination: destination.ip, port: 0, protocol: "Tcp" });
      for (const port of ports) {
        for (const protocol of ["Tcp", "Udp"] as const) {
          const parsed: ParsedFlow = { ...endpoints, port, protocol: protocol === "Tcp" ? "tcp" : "udp" };
          flows.push({ source, destination: destination.ip, port, protocol, subnetNsgId: destination.subnetNsgId, nicNsgId: destination.nicNsgId, parsed });
        }
      }
    }
  }
  return flows;
}

/** Policy ports, their neighbours and a couple of common ones. */
export function portsToJudge(scenario: Scenario, extra: number): number[] {
  const ports = new Set<number>([22, extra]);
  for (const { policy } of scenario.vms) {
    for (const rule of policy.ports) for (const port of [rule.port - 1, rule.port, rule.port + 1]) if (port >= 0 && port <= 65535) ports.add(port);
  }
  return [...ports];
}

export function verdicts(flows: readonly JudgedFlow[], nsgs: readonly Nsg[]): RuleAccess[] {
  const cache = createEvaluationCache();
  const byId = new Map(nsgs.map((nsg) => [nsg.id, cache.nsg(nsg)]));
  const ctx = cache.context(vnetPrefixes);
  return flows.map((flow) => {
    const subnetNsg = flow.subnetNsgId === null ? null : (byId.get(flow.subnetNsgId) ?? null);
    const nicNsg = flow.nicNsgId === null ? null : (byId.get(flow.nicNsgId) ?? null);
    return evaluateInboundCompiled({ subnetNsg, nicNsg, flow: flow.parsed, ctx }).access;
  });
}

/** The NSGs after a successful plan (unchanged ones as they were). Throws on a failed plan, so the property fails loudly. */
export function applyPlan(nsgs: readonly Nsg[], result: PlanResult): Nsg[] {
  if (!result.ok) throw new Error(`plan failed: ${result.reason}: ${result.message}`);
  const changes = new Map<string, NsgChange>(result.changes.map((change) => [change.nsgId, change]));
  return nsgs.map((nsg) => {
    const change = changes.get(nsg.id);
    return change === undefined ? nsg : { ...nsg, rules: change.rules };
  });
}

/** Pre-existing (non-JIT) rules of an NSG in evaluation order. */
export function existingInOrder(rules: readonly NsgRule[], names: ReadonlySet<string>): string[] {
  return rules
    .filter((rule) => rule.direction === "Inbound" && names.has(rule.name))
    .sort((a, b) => a.priority - b.priority)
    .map((rule) => rule.name);
}
