import { managementPorts } from "@portcullis/contract";
import type { Exposure } from "@portcullis/contract";
import { parseCidrStrict } from "../net/parse.ts";
import type { Cidr, IpAddress } from "../net/parse.ts";
import { representativeAddresses } from "../net/prefix-points.ts";
import { createEvaluationCache } from "../nsg/compile.ts";
import type { CompiledNsg, EvaluationCache } from "../nsg/compile.ts";
import { evaluateInboundCompiled } from "../nsg/evaluator.ts";
import type { LevelDecision } from "../nsg/evaluator.ts";
import type { CompiledContext } from "../nsg/matchers.ts";
import type { Nsg } from "../nsg/types.ts";
import { exposureProtocol } from "./management-ports.ts";

export interface ExposureInput {
  subnetNsg: Nsg | null;
  nicNsg: Nsg | null;
  /** The NIC's private addresses (an ip configuration may hold a prefix, "10.1.0.16/28"); ones that do not parse are skipped. */
  privateIps: readonly string[];
  virtualNetworkPrefixes: readonly string[];
  /** Reuse compiled NSGs across VMs (see createEvaluationCache). */
  cache?: EvaluationCache;
}

export interface CompiledExposureInput {
  subnetNsg: CompiledNsg | null;
  nicNsg: CompiledNsg | null;
  /** Addresses and prefixes; a prefix is exposed when any of its addresses is. */
  privateIps: readonly Cidr[];
  ctx: CompiledContext;
}

/** Every CIDR a rule of these NSGs names as a destination, and the VNet's: where verdicts inside a prefix can change. */
function boundariesOf(input: CompiledExposureInput): Cidr[] {
  const cidrs: Cidr[] = [...input.ctx.virtualNetwork];
  for (const nsg of [input.subnetNsg, input.nicNsg]) {
    for (const rule of nsg?.inbound ?? []) for (const matcher of rule.destinations) if (matcher.kind === "cidr") cidrs.push(matcher.cidr);
  }
  return cidrs;
}

function addressesToEvaluate(input: CompiledExposureInput): IpAddress[] {
  const hasPrefix = input.privateIps.some((cidr) => cidr.prefixLength < (cidr.family === "ipv4" ? 32 : 128));
  const boundaries = hasPrefix ? boundariesOf(input) : [];
  return input.privateIps.flatMap((cidr) => representativeAddresses(cidr, boundaries));
}

/** The NIC's rule is named when both levels have an NSG: that is where a JIT Deny would usually go. */
function admittingDecision(decidedBy: readonly LevelDecision[]): LevelDecision | undefined {
  return decidedBy.find((decision) => decision.level === "nic") ?? decidedBy[0];
}

/**
 * Management ports (TCP) an arbitrary Internet host can reach on any of the
 * IPs, one entry per port (the first IP that is open names the rule), in
 * management-port order. With no NSG at either level nothing filters the
 * traffic, but there is no rule to name, so no entry is returned; callers
 * report that case through the classification reason instead.
 */
export function computeExposureCompiled(input: CompiledExposureInput): Exposure[] {
  if (input.subnetNsg === null && input.nicNsg === null) return [];
  const exposure: Exposure[] = [];
  const addresses = addressesToEvaluate(input);
  for (const port of managementPorts) {
    for (const ip of addresses) {
      const verdict = evaluateInboundCompiled({
        subnetNsg: input.subnetNsg,
        nicNsg: input.nicNsg,
        ctx: input.ctx,
        flow: { source: { kind: "internet", family: ip.kind() }, destination: { kind: "ip", family: ip.kind(), ip }, port, protocol: "tcp", sourcePort: undefined },
      });
      const decision = verdict.access === "Allow" ? admittingDecision(verdict.decidedBy) : undefined;
      if (decision === undefined) continue;
      exposure.push({
        port,
        protocol: exposureProtocol(decision.protocol) ?? "TCP",
        nsgName: decision.nsgName,
        ruleName: decision.ruleName,
        priority: decision.priority,
        source: decision.source,
      });
      break;
    }
  }
  return exposure;
}

/** Private addresses as ARM gives them: an IP, or a prefix held by one ip configuration ("172.20.2.16/28"). */
export function parsePrivateIps(privateIps: readonly string[]): Cidr[] {
  const parsed: Cidr[] = [];
  for (const text of privateIps) {
    const result = parseCidrStrict(text.trim());
    if (result.ok) parsed.push(result.value);
  }
  return parsed;
}

export function computeExposure(input: ExposureInput): Exposure[] {
  const cache = input.cache ?? createEvaluationCache();
  return computeExposureCompiled({
    subnetNsg: input.subnetNsg === null ? null : cache.nsg(input.subnetNsg),
    nicNsg: input.nicNsg === null ? null : cache.nsg(input.nicNsg),
    privateIps: parsePrivateIps(input.privateIps),
    ctx: cache.context(input.virtualNetworkPrefixes),
  });
}

const managementPortOrder: ReadonlyMap<number, number> = new Map(managementPorts.map((port, index) => [port, index]));

function portOrder(port: number): number {
  return managementPortOrder.get(port) ?? managementPorts.length;
}

/** Merges exposures of several NICs: the first entry per port wins, management-port order kept. */
export function mergeExposure(lists: readonly Exposure[][]): Exposure[] {
  const byPort = new Map<number, Exposure>();
  for (const list of lists) {
    for (const entry of list) if (!byPort.has(entry.port)) byPort.set(entry.port, entry);
  }
  return [...byPort.values()].sort((a, b) => portOrder(a.port) - portOrder(b.port));
}
