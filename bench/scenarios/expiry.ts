import type { SeedSpec } from "@portcullis/azure-emulator";
import { sql } from "kysely";
import { budgets } from "../budgets.ts";
import { max, percentile, round } from "../harness/stats.ts";
import type { Scenario } from "../harness/types.ts";
import { countAllowRules, enableSsh, listVmIds, requestSsh, startJitStack, type JitStack } from "../support/jit-stack.ts";

const grantCount = 1000;
const concurrency = 100;
const writeLatencyMs = 10;
/** One grant per VM (the same requester's grants on one VM and port would supersede each other); 200 VMs per subscription keeps each in one subnet with an NSG. */
const estate = { kind: "large", vms: grantCount, nsgs: 100, subscriptions: 5 } as const satisfies SeedSpec;
const leadMs = 3_000;
const waitAfterEndMs = 20_000;
const pollMs = 100;

async function openGrants(stack: JitStack, vmIds: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < vmIds.length; start += concurrency) {
    const batch = vmIds.slice(start, start + concurrency);
    const grants = await Promise.all(batch.map((vmId, i) => requestSsh(stack, vmId, `198.51.100.${((start + i) % 250) + 1}/32`)));
    ids.push(...grants.map((g) => g.id));
  }
  return ids;
}

interface Row {
  id: string;
  status: string;
  ends_at: Date | string;
}

async function grantRows(stack: JitStack): Promise<Row[]> {
  const result = await sql<Row>`select id, status, ends_at from jit_grant`.execute(stack.bff.database.kysely);
  return result.rows;
}

export const expiryScenario: Scenario = {
  name: "expiry",
  description: `${grantCount} grants ending in the same second, one BFF: how late each is closed`,
  timeoutMs: 4 * 60_000,
  async run(ctx) {
    const stack = await startJitStack({ seed: estate, writeLatencyMs });
    try {
      const vmIds = await listVmIds(stack);
      ctx.setting("grants (N)", vmIds.length);
      ctx.setting("estate", JSON.stringify(estate));
      ctx.setting("emulator write latency (ms)", writeLatencyMs);
      ctx.setting("BFFs / database", "1 / PGlite in memory");
      ctx.setting("SCHEDULER_INTERVAL_MS", stack.bff.config.scheduler.intervalMs);
      ctx.note("Grants are opened through POST /api/requests (100 at a time), then ends_at of every grant is set by SQL to the same second (3 s ahead) before the jobs start; the scheduler runs on the system clock.");
      ctx.note(`Lateness is the time a poll of jit_grant (every ${pollMs} ms, plus the query) first sees the row closed, minus its ends_at: rows become closed only after their NSG writes succeeded, so this is an upper bound. The row's closed_at is the sweep's claim time and is not used.`);
      ctx.note("One sweep claims and closes all of them, so p50 = p99 = max; the number moves with where the end second falls in the scheduler's interval (0.8 s to 1.6 s over three runs).");
      ctx.note("Three BFFs on PostgreSQL: absent (not run).");
      await enableSsh(stack, vmIds);
      const started = performance.now();
      await openGrants(stack, vmIds);
      const rulesOpened = await countAllowRules(stack);
      ctx.record({ metric: "Allow rules on the NSGs before expiry", value: rulesOpened, unit: "rules" });
      ctx.record({ metric: `opening ${vmIds.length} grants (${concurrency} concurrent)`, value: round((performance.now() - started) / 1000), unit: "s" });

      const endsAt = new Date(Math.ceil((Date.now() + leadMs) / 1000) * 1000);
      await sql`update jit_grant set ends_at = ${endsAt.toISOString()} where status = 'open'`.execute(stack.bff.database.kysely);
      await stack.bff.jobs.startJobs({ takeOverStoppedProcesses: false });
      const deadline = endsAt.getTime() + waitAfterEndMs;
      // closed_at is the sweep's claim time, so the close is timed by when a poll first sees the row closed.
      const seenClosedAt = new Map<string, number>();
      let rows = await grantRows(stack);
      for (;;) {
        const now = Date.now();
        for (const r of rows) if (r.status === "closed" && !seenClosedAt.has(r.id)) seenClosedAt.set(r.id, now);
        if (now >= deadline || rows.every((r) => r.status === "closed")) break;
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        rows = await grantRows(stack);
      }
      await stack.bff.jobs.scheduler.stop();

      const lateness = rows.flatMap((r) => {
        const seen = seenClosedAt.get(r.id);
        return seen === undefined ? [] : [seen - new Date(r.ends_at).getTime()];
      });
      const leftOpen = rows.filter((r) => r.status !== "closed").length;
      ctx.log(`expiry: ${lateness.length} closed, ${leftOpen} not closed`);
      ctx.record({ metric: "grants left not closed", value: leftOpen, unit: "grants", budget: budgets.expiryLeftOpen });
      ctx.record({ metric: "Allow rules left on the NSGs after expiry", value: await countAllowRules(stack), unit: "rules", budget: budgets.expiryRulesLeft });
      if (lateness.length > 0) {
        ctx.record({ metric: "close lateness p50", value: round(percentile(lateness, 50)), unit: "ms" });
        ctx.record({ metric: "close lateness p99", value: round(percentile(lateness, 99)), unit: "ms", budget: budgets.expiryLatenessP99 });
        ctx.record({ metric: "close lateness max", value: round(max(lateness)), unit: "ms", budget: budgets.expiryLatenessMax });
      }
    } finally {
      await stack.close();
    }
  },
};
