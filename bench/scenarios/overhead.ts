import { budgets } from "../budgets.ts";
import { percentile, round } from "../harness/stats.ts";
import type { Scenario, ScenarioContext } from "../harness/types.ts";
import { demo } from "@portcullis/bff/testing";
import { enableSsh, requestSsh, revokeGrant, startJitStack, type JitStack } from "../support/jit-stack.ts";

const warmup = 3;
const samples = 15;
const latenciesMs = [0, 500] as const;
const vmId = demo.app01;
const nsgId = demo.nsgApp01;
const source = "198.51.100.7/32";

function parseNsg(id: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const parts = id.split("/");
  return { subscriptionId: parts[2] ?? "", resourceGroup: parts[4] ?? "", name: parts[8] ?? "" };
}

/** The same Allow rule write, straight through @azure/arm-network (the BFF's client: same credential and TLS trust). */
async function bareWrite(stack: JitStack, index: number): Promise<number> {
  const { subscriptionId, resourceGroup, name } = parseNsg(nsgId);
  const rules = stack.bff.arm.network(subscriptionId).securityRules;
  const ruleName = `bench-bare-${index}`;
  const started = performance.now();
  await rules.beginCreateOrUpdateAndWait(resourceGroup, name, ruleName, {
    access: "Allow",
    direction: "Inbound",
    protocol: "Tcp",
    priority: 150,
    sourceAddressPrefix: source,
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    destinationPortRange: "22",
    description: "bench bare write",
  });
  const elapsed = performance.now() - started;
  await rules.beginDeleteAndWait(resourceGroup, name, ruleName);
  return elapsed;
}

async function portcullisRequest(stack: JitStack): Promise<number> {
  const started = performance.now();
  const grant = await requestSsh(stack, vmId, source);
  const elapsed = performance.now() - started;
  await revokeGrant(stack, grant.id);
  return elapsed;
}

async function sample(count: number, take: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(await take());
  return out;
}

async function measureAt(ctx: ScenarioContext, stack: JitStack, writeLatencyMs: number): Promise<void> {
  stack.emulator.control.setConfig({ writeLatencyMs });
  let n = 0;
  await sample(warmup, () => portcullisRequest(stack));
  await sample(warmup, () => bareWrite(stack, n++));
  // Interleaved so drift in the machine's load hits both series alike.
  const bff: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < samples; i++) {
    bff.push(await portcullisRequest(stack));
    bare.push(await bareWrite(stack, n++));
  }
  const label = `${writeLatencyMs} ms write latency`;
  const p = (xs: number[], q: number): number => round(percentile(xs, q));
  ctx.log(`${label}: Portcullis p50 ${p(bff, 50)} / bare p50 ${p(bare, 50)} ms`);
  ctx.record({ metric: `${label}: POST /api/requests p50`, value: p(bff, 50), unit: "ms" });
  ctx.record({ metric: `${label}: POST /api/requests p95`, value: p(bff, 95), unit: "ms" });
  ctx.record({ metric: `${label}: bare SDK write p50`, value: p(bare, 50), unit: "ms" });
  ctx.record({ metric: `${label}: bare SDK write p95`, value: p(bare, 95), unit: "ms" });
  const ratio = round(percentile(bff, 50) / percentile(bare, 50), 2);
  ctx.record({
    metric: `${label}: ratio Portcullis / bare (p50)`,
    value: ratio,
    unit: "x",
    ...(writeLatencyMs === 500 ? { budget: budgets.requestOverheadRatioAt500 } : {}),
  });
  ctx.record({ metric: `${label}: added time p50`, value: round(percentile(bff, 50) - percentile(bare, 50)), unit: "ms" });
  ctx.record({
    metric: `${label}: added time p95`,
    value: round(percentile(bff, 95) - percentile(bare, 95)),
    unit: "ms",
    ...(writeLatencyMs === 0 ? { budget: budgets.requestAddedTimeP95At0 } : {}),
  });
}

export const overheadScenario: Scenario = {
  name: "overhead",
  description: "POST /api/requests until the Allow rule is in place, against the same rule write through @azure/arm-network",
  timeoutMs: 3 * 60_000,
  async run(ctx) {
    const stack = await startJitStack();
    try {
      await enableSsh(stack, [vmId]);
      ctx.setting("estate", "emulator demo estate, in memory");
      ctx.setting("VM / NSG", "vm-prod-app-01 / nsg-vm-prod-app-01");
      ctx.setting("write latencies (ms)", latenciesMs.join(", "));
      ctx.setting("warm-up per series", warmup);
      ctx.setting("samples per series", samples);
      ctx.setting("client", "fetch, sequential, revoke (Portcullis) or delete (bare) between samples, untimed");
      ctx.note("Bare script: securityRules.beginCreateOrUpdateAndWait with the BFF's own ARM client (same credential, TLS trust, retry and polling options). Samples alternate Portcullis and bare.");
      ctx.note("Added time p95 is p95(Portcullis) - p95(bare), not the p95 of per-sample differences.");
      for (const latency of latenciesMs) await measureAt(ctx, stack, latency);
    } finally {
      await stack.close();
    }
  },
};
