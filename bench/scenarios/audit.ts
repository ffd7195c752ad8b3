import { budgets } from "../budgets.ts";
import { percentile, round } from "../harness/stats.ts";
import type { Scenario } from "../harness/types.ts";
import { auditVolume, insertAuditEvents } from "../support/audit-data.ts";
import { openBenchPostgres, startAuditBenchBff } from "../support/audit-stack.ts";
import { sampleGet } from "../support/timed-get.ts";

const warmup = 20;
const samples = 200;

/** A week three months back, for the time-range filter. */
function weekAgo(weeks: number): { from: string; to: string } {
  const to = new Date(Date.now() - weeks * 7 * 86_400_000);
  return { from: new Date(to.getTime() - 7 * 86_400_000).toISOString(), to: to.toISOString() };
}

/** First pages (50 events, newest first) for the filters auditors use, as an auditor at tenant scope. */
function queries(): ReadonlyArray<{ label: string; query: Record<string, string> }> {
  const range = weekAgo(13);
  return [
    { label: "no filter", query: {} },
    { label: "one VM", query: { vmId: "/subscriptions/sub-2/resourcegroups/rg-42/providers/microsoft.compute/virtualmachines/vm-4242" } },
    { label: "one user", query: { userId: "user-123" } },
    { label: "action + 7-day range 3 months back", query: { action: "request.opened", ...range } },
    { label: "user + failures", query: { userId: "user-77", outcome: "failure" } },
    { label: "free text, rare (ticket number)", query: { q: "INC0424242" } },
    { label: "free text, common word", query: { q: "rollback" } },
    { label: "free text, VM name", query: { q: "vm-4242" } },
    { label: "free text + VM", query: { q: "kernel", vmId: "/subscriptions/sub-7/resourcegroups/rg-117/providers/microsoft.compute/virtualmachines/vm-317" } },
  ];
}

export const auditScenario: Scenario = {
  name: "audit",
  description: "1,000,000 audit events in PostgreSQL: first page of the activity log for several filters",
  timeoutMs: 20 * 60_000,
  async run(ctx) {
    const pg = await openBenchPostgres();
    try {
      ctx.setting("database", `PostgreSQL server (${pg.url}), fresh schema, migrations applied (the activity log's indexes)`);
      ctx.setting("events", auditVolume.events);
      ctx.setting("VMs / users / days", `${auditVolume.vms} / ${auditVolume.users} / ${auditVolume.days}`);
      ctx.setting("page size", 50);
      ctx.setting("warm-up requests per query", warmup);
      ctx.setting("measured requests per query", samples);
      ctx.setting("client", "one sequential HTTP/1.1 keep-alive client in the same process, through the BFF (auth, query, JSON)");
      ctx.note("Events are bulk-inserted with generate_series: prev_hash links each to the previous row, but hashes are not computed over the content, so the chain does not verify; it is not needed for query timings.");
      const started = performance.now();
      await insertAuditEvents(pg.database.kysely, ctx.log);
      ctx.record({ metric: "bulk insert of 1,000,000 events (with indexes)", value: round((performance.now() - started) / 1000, 1), unit: "s" });

      const bff = await startAuditBenchBff(pg.database);
      try {
        for (const { label, query } of queries()) {
          const url = `${bff.url}/api/activity?${new URLSearchParams({ ...query, pageSize: "50" }).toString()}`;
          const latencies = await sampleGet(url, bff.token, { warmup, samples });
          ctx.log(`${label}: p50 ${round(percentile(latencies, 50))} ms, p95 ${round(percentile(latencies, 95))} ms`);
          ctx.record({ metric: `first page, ${label} p50`, value: round(percentile(latencies, 50)), unit: "ms" });
          ctx.record({ metric: `first page, ${label} p95`, value: round(percentile(latencies, 95)), unit: "ms", budget: budgets.auditFirstPageP95 });
        }
      } finally {
        await bff.close();
      }
    } finally {
      await pg.drop();
    }
  },
};
