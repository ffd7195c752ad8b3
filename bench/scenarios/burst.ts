import type { SeedSpec } from "@portcullis/azure-emulator";
import { armIdKey } from "@portcullis/core";
import { toRecord } from "@portcullis/bff/testing";
import type { GrantRecord } from "@portcullis/bff/testing";
import { budgets } from "../budgets.ts";
import { max, percentile, round } from "../harness/stats.ts";
import type { Scenario, ScenarioContext } from "../harness/types.ts";
import { allowRuleGrants, enableSsh, listVmIds, requestSsh, startJitStack, type JitStack } from "../support/jit-stack.ts";
import { mintRequesters, type Requester } from "../support/requesters.ts";

const requestCount = 500;
const userCount = 50;
const writeLatencyMs = 100;
/**
 * ARM write requests per second per subscription (a token bucket holding one second's worth), past which the emulator
 * answers 429 with Retry-After: well below ARM's own subscription write limit, so that the burst is throttled.
 */
const writeRatePerSecond = 5;
/**
 * 100 VMs per subscription: its one subnet NSG (every VM behind it) and 19 NIC NSGs (about 3 VMs in 4 behind one),
 * so all 100 NSGs of the estate are written and each subnet NSG takes 100 requests.
 */
const estate = { kind: "large", vms: requestCount, nsgs: 100, subscriptions: 5 } as const satisfies SeedSpec;

interface Planned {
  requester: Requester;
  vmId: string;
  source: string;
}

interface Answered {
  status: string;
  ms: number;
}

/** One request per VM; VM i goes to user i mod 50, so requests on one NSG come from many users at once. */
function plan(vmIds: readonly string[], requesters: readonly Requester[]): Planned[] {
  return vmIds.map((vmId, i) => {
    const user = i % requesters.length;
    return { requester: requesters[user] as Requester, vmId, source: `198.51.100.${user + 1}/32` };
  });
}

async function send(requests: readonly Planned[]): Promise<Array<PromiseSettledResult<Answered>>> {
  return Promise.allSettled(
    requests.map(async (r) => {
      const started = performance.now();
      const grant = await requestSsh(r.requester, r.vmId, r.source);
      return { status: grant.status, ms: performance.now() - started };
    }),
  );
}

async function grantRecords(stack: JitStack): Promise<GrantRecord[]> {
  const rows = await stack.bff.database.kysely.selectFrom("jit_grant").selectAll().execute();
  return rows.map(toRecord);
}

/** Grant rows and their Allow rules, as the database and ARM hold them after the burst. */
async function checkGrants(ctx: ScenarioContext, stack: JitStack): Promise<void> {
  const records = await grantRecords(stack);
  const open = records.filter((r) => r.status === "open");
  const rules = await allowRuleGrants(stack.bff.arm);
  const missing = open.filter((g) => g.nsgIds.some((nsgId) => !(rules.get(armIdKey(nsgId)) ?? []).includes(g.id)));
  const nsgs = new Set(open.flatMap((g) => g.nsgIds.map(armIdKey)));
  const ruleCount = [...rules.values()].reduce((sum, ids) => sum + ids.length, 0);
  ctx.log(`burst: ${open.length} open grant rows on ${nsgs.size} NSGs, ${ruleCount} Allow rules, ${missing.length} grants missing a rule`);
  ctx.record({ metric: "grant rows open", value: open.length, unit: "grants" });
  ctx.record({ metric: "grant rows not open", value: records.length - open.length, unit: "grants" });
  ctx.record({ metric: "distinct requesters of the open grants", value: new Set(open.map((g) => g.requesterOid)).size, unit: "users" });
  ctx.record({ metric: "NSGs the open grants sit behind", value: nsgs.size, unit: "NSGs" });
  ctx.record({ metric: "Allow rules on the NSGs", value: ruleCount, unit: "rules" });
  ctx.record({ metric: "open grants missing an Allow rule on one of their NSGs", value: missing.length, unit: "grants", budget: budgets.burstGrantsMissingRule });
}

export const burstScenario: Scenario = {
  name: "burst",
  description: `${requestCount} access requests at once from ${userCount} users on 100 NSGs, ARM write-rate limit on`,
  timeoutMs: 3 * 60_000,
  async run(ctx) {
    const stack = await startJitStack({ seed: estate, writeLatencyMs });
    try {
      const vmIds = await listVmIds(stack.bff.arm);
      const nsgCount = stack.emulator.control.estateSummary().networkSecurityGroups;
      ctx.setting("estate", JSON.stringify(estate));
      ctx.setting("VMs / NSGs in the estate", `${vmIds.length} / ${nsgCount}`);
      ctx.setting("requests / users", `${requestCount} / ${userCount}`);
      ctx.setting("emulator write latency (ms)", writeLatencyMs);
      ctx.setting("emulator write-rate limit (writes/s per subscription)", writeRatePerSecond);
      ctx.setting("client", `one fetch per request, all ${requestCount} started at once; one request per VM (SSH, policy: source per request), user i mod ${userCount}, one /32 per user`);
      ctx.note(`Users: ${userCount} distinct oids holding Requester tenant-wide (Jit.Requester app role), tokens signed with the BFF's local-issuer key (bench/support/requesters.ts).`);
      ctx.note(
        `The emulator's write-rate limit (writeRatePerSecond, a token bucket per subscription holding one second's worth) answers 429 SubscriptionRequestsThrottled with Retry-After; an NSG with a write in progress answers 429 RetryableErrorDueToAnotherOperation, a stale If-Match 412. Counters are reset when the burst starts; the limit is switched on after the policies are in place.`,
      );
      ctx.note("Every VM of a subscription sits behind its subnet NSG, so a subscription's 100 requests form one coalescing group whose batches are written one after another (up to 20 NSGs each); the p95 is about that queue, the rate limit and the CPU of one process.");
      ctx.note("Missing rules are read back through ARM after the burst: every open grant row must have its Allow rule (description naming the grant) on every NSG it records, so no concurrent write overwrote another.");
      await enableSsh(stack, vmIds);
      const requesters = await mintRequesters(stack.bff, userCount);
      const requests = plan(vmIds.slice(0, requestCount), requesters);

      stack.emulator.control.setConfig({ writeRatePerSecond });
      stack.emulator.control.resetCounters();
      const started = performance.now();
      const results = await send(requests);
      const elapsed = performance.now() - started;
      const counters = stack.emulator.control.counters();
      stack.emulator.control.setConfig({ writeRatePerSecond: null });

      const answered = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
      for (const reason of failed.slice(0, 3)) ctx.log(`burst: a request failed: ${String(reason)}`);
      const opened = answered.filter((a) => a.status === "open").length;
      const latencies = answered.map((a) => a.ms);
      ctx.log(`burst: ${opened}/${requests.length} opened in ${round(elapsed)} ms; ${counters.writes} writes, ${counters.throttled} throttled, ${counters.conflicts} conflicts`);
      ctx.record({ metric: "requests sent", value: requests.length, unit: "requests" });
      ctx.record({ metric: "requests opened (201, open)", value: opened, unit: "requests" });
      ctx.record({ metric: "requests not opened", value: requests.length - opened, unit: "requests", budget: budgets.burstNotOpened });
      ctx.record({ metric: "time until all answered", value: round(elapsed), unit: "ms" });
      if (latencies.length > 0) {
        ctx.record({ metric: "per request p50", value: round(percentile(latencies, 50)), unit: "ms" });
        ctx.record({ metric: "per request p95", value: round(percentile(latencies, 95)), unit: "ms", budget: budgets.burstRequestP95 });
        ctx.record({ metric: "per request max", value: round(max(latencies)), unit: "ms" });
      }
      ctx.record({ metric: "ARM writes (all, refused ones included)", value: counters.writes, unit: "writes" });
      ctx.record({ metric: "ARM writes refused by the rate limit (429, retried)", value: counters.throttled, unit: "writes" });
      ctx.record({ metric: "ARM writes refused: NSG busy or ETag stale (429/412, retried)", value: counters.conflicts, unit: "writes" });
      ctx.record({ metric: "ARM writes per request", value: round(counters.writes / requests.length, 2), unit: "writes/request" });
      await checkGrants(ctx, stack);
    } finally {
      await stack.close();
    }
  },
};
