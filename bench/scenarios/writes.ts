import type { SeedSpec } from "@portcullis/azure-emulator";
import { budgets } from "../budgets.ts";
import { round } from "../harness/stats.ts";
import type { Scenario, ScenarioContext } from "../harness/types.ts";
import { enableSsh, listVmIds, requestSsh, startJitStack } from "../support/jit-stack.ts";

const writeLatencyMs = 100;
/** One subscription, one subnet: its subnet NSG plus 4 (resp. 9) NIC NSGs, every VM behind the subnet NSG. */
const enableEstate = { kind: "large", vms: 50, nsgs: 5, subscriptions: 1 } as const satisfies SeedSpec;
const burstEstate = { kind: "large", vms: 100, nsgs: 10, subscriptions: 1 } as const satisfies SeedSpec;

function nsgsWritten(writesByNsg: Record<string, number>): number {
  return Object.values(writesByNsg).filter((n) => n > 0).length;
}

async function enableOnEstate(ctx: ScenarioContext): Promise<void> {
  const stack = await startJitStack({ seed: enableEstate, writeLatencyMs });
  try {
    const vmIds = await listVmIds(stack.bff.arm);
    const nsgs = stack.emulator.control.estateSummary().networkSecurityGroups;
    ctx.setting("enable: VMs / NSGs in the estate", `${vmIds.length} / ${nsgs}`);
    stack.emulator.control.resetCounters();
    await enableSsh(stack, vmIds);
    const counters = stack.emulator.control.counters();
    const touched = nsgsWritten(counters.writesByNsg);
    ctx.log(`enable: ${counters.writes} writes on ${touched} NSGs`);
    ctx.record({ metric: "enable SSH on all VMs: ARM writes", value: counters.writes, unit: "writes" });
    ctx.record({ metric: "enable: NSGs written", value: touched, unit: "NSGs" });
    ctx.record({
      metric: "enable: writes per NSG (max over NSGs)",
      value: Math.max(0, ...Object.values(counters.writesByNsg)),
      unit: "writes/NSG",
      budget: budgets.enableWritesPerNsg,
    });
  } finally {
    await stack.close();
  }
}

async function burstOnEstate(ctx: ScenarioContext): Promise<void> {
  const stack = await startJitStack({ seed: burstEstate, writeLatencyMs });
  try {
    const vmIds = await listVmIds(stack.bff.arm);
    const nsgs = stack.emulator.control.estateSummary().networkSecurityGroups;
    ctx.setting("burst: VMs / NSGs in the estate", `${vmIds.length} / ${nsgs}`);
    await enableSsh(stack, vmIds);
    stack.emulator.control.resetCounters();
    const started = performance.now();
    const results = await Promise.allSettled(vmIds.map((vmId, i) => requestSsh(stack, vmId, `198.51.100.${(i % 250) + 1}/32`)));
    const elapsed = performance.now() - started;
    const failed = results.filter((r) => r.status === "rejected");
    for (const failure of failed.slice(0, 3)) ctx.log(`burst: a request failed: ${String(failure.reason)}`);
    const counters = stack.emulator.control.counters();
    const touched = nsgsWritten(counters.writesByNsg);
    ctx.log(`burst: ${vmIds.length} requests, ${counters.writes} writes on ${touched} NSGs in ${round(elapsed)} ms`);
    ctx.record({ metric: "burst: requests sent", value: vmIds.length, unit: "requests" });
    ctx.record({ metric: "burst: requests failed", value: failed.length, unit: "requests" });
    ctx.record({ metric: "burst: all answered within", value: round(elapsed), unit: "ms" });
    ctx.record({ metric: "burst: NSGs written", value: touched, unit: "NSGs" });
    ctx.record({ metric: "burst: ARM writes", value: counters.writes, unit: "writes" });
    ctx.record({ metric: "burst: ARM writes per request", value: round(counters.writes / vmIds.length, 2), unit: "writes/request", budget: budgets.burstWritesPerRequest });
    ctx.record({ metric: "burst: ARM conflicts (412/429)", value: counters.conflicts, unit: "writes" });
  } finally {
    await stack.close();
  }
}

export const writesScenario: Scenario = {
  name: "writes",
  description: "ARM writes per operation (emulator counters): enable on 50 VMs behind 5 NSGs; 100 requests on 10 NSGs at once",
  timeoutMs: 3 * 60_000,
  async run(ctx) {
    ctx.setting("emulator write latency (ms)", writeLatencyMs);
    ctx.setting("enable estate", JSON.stringify(enableEstate));
    ctx.setting("burst estate", JSON.stringify(burstEstate));
    ctx.setting("burst client", "one admin token, every POST /api/requests started at once (fetch), one request per VM, SSH, distinct /32 sources");
    ctx.note("Estates come from the large-estate generator with one subscription: one subnet whose NSG every VM sits behind, and NIC NSGs on about 3 VMs in 4, so every NSG of the estate is in play.");
    ctx.note("Writes count every non-GET ARM request (NSG or rule PUT/DELETE), from the emulator's counters, reset just before the operation.");
    await enableOnEstate(ctx);
    await burstOnEstate(ctx);
  },
};
