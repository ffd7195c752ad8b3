import type { EmulatorConfig } from "@portcullis/azure-emulator";
import type { ListVmsResponse } from "@portcullis/contract";
import { budgets } from "../budgets.ts";
import { max, percentile, round } from "../harness/stats.ts";
import type { Scenario, ScenarioContext } from "../harness/types.ts";
import { adminToken, benchRateLimitPerMinute, largeEstate, startBenchBff, startLargeEmulator, type EmulatorTiming } from "../support/large-stack.ts";
import { enableJitOnRecommended } from "../support/policies.ts";
import { sampleGet, timedGetJson } from "../support/timed-get.ts";

const coldRuns = 3;
const warmup = 20;
const samples = 200;
/** ARM answers a list page in tens to hundreds of ms; the emulator adds this to every read. Writes are set-up only here. */
const timing: EmulatorTiming = { readLatencyMs: 50, writeLatencyMs: 10 };
/** Before the cached measurements, so the Configured tab has rows (all 10,000 VMs start without a policy). */
const policiesEnabled = 300;

/** First pages with the cache warm: each tab, a name filter (about half the estate matches) and a sort. */
const warmQueries: ReadonlyArray<{ label: string; query: string }> = [
  { label: "configured page 1", query: "tab=configured&pageSize=50" },
  { label: "recommended page 1", query: "tab=recommended&pageSize=50" },
  { label: "no-recommendation page 1", query: "tab=none&pageSize=50" },
  { label: "filter q=vm-s01", query: "tab=recommended&pageSize=50&q=vm-s01" },
  { label: "sort resourceGroup desc", query: "tab=recommended&pageSize=50&sort=resourceGroup&order=desc" },
];

function recordSettings(ctx: ScenarioContext, emulator: EmulatorConfig): void {
  ctx.setting("estate", `${largeEstate.vms} VMs, ${largeEstate.nsgs} NSGs`);
  ctx.setting("emulator read latency (ms)", emulator.readLatencyMs);
  ctx.setting("emulator list page size", emulator.pageSize);
  ctx.setting("cold runs (fresh BFF each)", coldRuns);
  ctx.setting("JIT policies enabled before the cached measurements", policiesEnabled);
  ctx.setting("warm-up requests per query", warmup);
  ctx.setting("measured requests per query", samples);
  ctx.setting("rate limit per user and IP (per minute)", benchRateLimitPerMinute);
  ctx.setting("client", "one sequential HTTP/1.1 keep-alive client in the same process");
}

export const inventoryScenario: Scenario = {
  name: "inventory",
  description: "10,000 VMs: cold full inventory read, then cached first pages (tabs, filter, sort)",
  timeoutMs: 5 * 60_000,
  async run(ctx) {
    const emulator = await startLargeEmulator(timing);
    try {
      recordSettings(ctx, emulator.control.getConfig());
      const cold: number[] = [];
      let armRequests = 0;
      const warm: Array<{ label: string; latencies: number[] }> = [];
      for (let run = 1; run <= coldRuns; run++) {
        const bff = await startBenchBff(emulator);
        try {
          const token = await adminToken(bff);
          emulator.control.resetCounters();
          const first = await timedGetJson<ListVmsResponse>(`${bff.url}/api/inventory/vms?tab=recommended`, token);
          const { configured, recommended, none } = first.body.counts;
          if (configured + recommended + none !== largeEstate.vms) {
            throw new Error(`the first inventory holds ${configured + recommended + none} VMs, not ${largeEstate.vms}`);
          }
          armRequests = emulator.control.counters().requests;
          cold.push(first.ms);
          ctx.log(`cold run ${run}: ${Math.round(first.ms)} ms, ${armRequests} ARM requests, counts ${JSON.stringify(first.body.counts)}`);
          if (run === coldRuns) {
            ctx.log(`enabling JIT on ${policiesEnabled} Recommended VMs ...`);
            await enableJitOnRecommended(bff.url, token, policiesEnabled);
            for (const { label, query } of warmQueries) {
              warm.push({ label, latencies: await sampleGet(`${bff.url}/api/inventory/vms?${query}`, token, { warmup, samples }) });
            }
          }
        } finally {
          await bff.close();
        }
      }
      ctx.record({ metric: "cold full inventory p50", value: round(percentile(cold, 50) / 1000, 2), unit: "s" });
      ctx.record({ metric: "cold full inventory max", value: round(max(cold) / 1000, 2), unit: "s" });
      ctx.record({ metric: "ARM requests per full read", value: armRequests, unit: "requests" });
      for (const { label, latencies } of warm) {
        ctx.record({ metric: `${label} p50`, value: round(percentile(latencies, 50)), unit: "ms" });
        ctx.record({ metric: `${label} p95`, value: round(percentile(latencies, 95)), unit: "ms", budget: budgets.inventoryFirstPageP95 });
      }
    } finally {
      await emulator.stop();
    }
  },
};
