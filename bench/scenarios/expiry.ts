import type { SeedSpec } from "@portcullis/azure-emulator";
import { sql, type Kysely } from "kysely";
import type { ArmClients } from "@portcullis/bff/testing";
import type { DatabaseSchema } from "@portcullis/bff/testing";
import { budgets, type Budget } from "../budgets.ts";
import { max, percentile, round } from "../harness/stats.ts";
import type { Scenario, ScenarioContext } from "../harness/types.ts";
import { countAllowRules, enableSsh, listVmIds, requestSsh, startJitStack, type ApiCaller } from "../support/jit-stack.ts";
import { putSshPolicy } from "../support/policies.ts";
import { startReplicaStack, sweptByReplica, type ReplicaStack } from "../support/replicas.ts";

const grantCount = 1000;
const concurrency = 100;
const writeLatencyMs = 10;
const replicaCount = 3;
/** One grant per VM (the same requester's grants on one VM and port would supersede each other); 200 VMs per subscription keeps each in one subnet with an NSG. */
const estate = { kind: "large", vms: grantCount, nsgs: 100, subscriptions: 5 } as const satisfies SeedSpec;
/**
 * The replicas' burst: 1,000 grants by default, 10,000 with `--large` (opening 10,000 grants through the API takes
 * over ten minutes on a 2-core machine, so it is not in the default run). 200 VMs per subscription either way.
 */
function replicaEstateFor(large: boolean) {
  const grants = large ? 10_000 : 1_000;
  return { kind: "large", vms: grants, nsgs: grants / 10, subscriptions: grants / 200 } as const satisfies SeedSpec;
}
const leadMs = 3_000;
const waitAfterEndMs = 20_000;
const pollMs = 100;
/** How long the replicas' last `expiry sweep` log lines may take to arrive after the rows are seen closed. */
const logWaitMs = 5_000;

type Db = Kysely<DatabaseSchema>;

/** One grant per VM through POST /api/requests, `concurrency` at a time; request i goes to API i mod their count. */
async function openGrants(apis: readonly ApiCaller[], vmIds: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < vmIds.length; start += concurrency) {
    const batch = vmIds.slice(start, start + concurrency);
    const grants = await Promise.all(batch.map((vmId, i) => requestSsh(apis[(start + i) % apis.length] as ApiCaller, vmId, `198.51.100.${((start + i) % 250) + 1}/32`)));
    ids.push(...grants.map((g) => g.id));
  }
  return ids;
}

interface Row {
  id: string;
  status: string;
  ends_at: Date | string;
  closed_at: Date | string | null;
}

function nsgIdsOf(grant: GrantNsgs): string[] {
  const value: unknown = typeof grant.nsg_ids === "string" ? JSON.parse(grant.nsg_ids) : grant.nsg_ids;
  return Array.isArray(value) ? value.map((id) => String(id).toLowerCase()) : [];
}

async function grantRows(db: Db): Promise<Row[]> {
  const result = await sql<Row>`select id, status, ends_at, closed_at from jit_grant`.execute(db);
  return result.rows;
}

interface ExpiryRun {
  /** Put before every metric name ("" for the one-BFF numbers). */
  label: string;
  db: Db;
  arm: ArmClients;
  /** Where the grants are requested. */
  apis: readonly ApiCaller[];
  vmIds: readonly string[];
  /** Before every grant's end is set (the one BFF starts its jobs then; replicas run theirs all along). */
  startJobs(): Promise<void>;
  /** Once every grant is seen closed, or the wait is over. */
  stopJobs(): Promise<void>;
  /**
   * Makes one NSG answer every write with 429 and Retry-After: 120 s (before the grants end): its grants wait for
   * that, and the others are measured as the healthy ones, which it must not hold up. Returns the NSG's id.
   */
  throttleOneNsg?(rows: readonly GrantNsgs[]): Promise<string>;
  /** After measuring: ends the throttling and closes its grants, so no rule is left behind. */
  finishThrottled?(): Promise<void>;
  /** Just before the grants' end is set (e.g. to reset the emulator's write counters). */
  beforeEnd?(): void;
  /** Budgets of the lateness numbers (default: the one-BFF ones). */
  latenessBudgets?: { p99: Budget; max: Budget };
}

interface GrantNsgs {
  id: string;
  nsg_ids: unknown;
}

/** Opens the grants, ends them all in the same second, and records how late each close is seen; returns the grant ids. */
async function measureExpiry(ctx: ScenarioContext, run: ExpiryRun): Promise<string[]> {
  const metric = (name: string): string => `${run.label}${name}`;
  const started = performance.now();
  const grantIds = await openGrants(run.apis, run.vmIds);
  ctx.record({ metric: metric("Allow rules on the NSGs before expiry"), value: await countAllowRules(run.arm), unit: "rules" });
  ctx.record({ metric: metric(`opening ${run.vmIds.length} grants (${concurrency} concurrent)`), value: round((performance.now() - started) / 1000), unit: "s" });

  let throttled = new Set<string>();
  if (run.throttleOneNsg !== undefined) {
    const placed = (await sql<GrantNsgs>`select id, nsg_ids from jit_grant where status = 'open'`.execute(run.db)).rows;
    const nsgId = (await run.throttleOneNsg(placed)).toLowerCase();
    throttled = new Set(placed.filter((g) => nsgIdsOf(g).includes(nsgId)).map((g) => g.id));
    ctx.record({ metric: metric("grants on the throttled NSG (Retry-After 120 s)"), value: throttled.size, unit: "grants" });
  }
  // The jobs run before the end (as in a process that is up), so start-up work is not in the lateness.
  await run.startJobs();
  run.beforeEnd?.();
  const endsAt = new Date(Math.ceil((Date.now() + leadMs) / 1000) * 1000);
  await sql`update jit_grant set ends_at = ${endsAt.toISOString()} where status = 'open'`.execute(run.db);
  const deadline = endsAt.getTime() + waitAfterEndMs;
  // A row turns closed (with its audit event) in one commit after its NSG writes: timed by when a poll first sees it.
  const seenClosedAt = new Map<string, number>();
  let rows = await grantRows(run.db);
  for (;;) {
    const now = Date.now();
    for (const r of rows) if (r.status === "closed" && !seenClosedAt.has(r.id)) seenClosedAt.set(r.id, now);
    if (now >= deadline || rows.every((r) => r.status === "closed" || throttled.has(r.id))) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    rows = await grantRows(run.db);
  }
  if (run.finishThrottled !== undefined) {
    await run.finishThrottled();
    rows = await grantRows(run.db);
  }
  await run.stopJobs();

  // With one NSG throttled, lateness is that of the healthy grants (the throttled ones close at ARM's Retry-After).
  const lateness = rows.flatMap((r) => {
    if (throttled.has(r.id)) return [];
    const seen = seenClosedAt.get(r.id);
    return seen === undefined ? [] : [seen - new Date(r.ends_at).getTime()];
  });
  const rulesRemoved = rows.flatMap((r) => (r.closed_at === null || throttled.has(r.id) ? [] : [new Date(r.closed_at).getTime() - new Date(r.ends_at).getTime()]));
  const leftOpen = rows.filter((r) => r.status !== "closed").length;
  ctx.log(`expiry${run.label === "" ? "" : ` (${run.label.replace(/: $/, "")})`}: ${lateness.length} closed, ${leftOpen} not closed`);
  ctx.record({ metric: metric("grants left not closed"), value: leftOpen, unit: "grants", budget: budgets.expiryLeftOpen });
  ctx.record({ metric: metric("Allow rules left on the NSGs after expiry"), value: await countAllowRules(run.arm), unit: "rules", budget: budgets.expiryRulesLeft });
  if (lateness.length > 0) {
    ctx.record({ metric: metric("close lateness p50"), value: round(percentile(lateness, 50)), unit: "ms" });
    ctx.record({ metric: metric("close lateness p99"), value: round(percentile(lateness, 99)), unit: "ms", budget: run.latenessBudgets?.p99 ?? budgets.expiryLatenessP99 });
    ctx.record({ metric: metric("close lateness max"), value: round(max(lateness)), unit: "ms", budget: run.latenessBudgets?.max ?? budgets.expiryLatenessMax });
  }
  if (rulesRemoved.length > 0) ctx.record({ metric: metric("rules removed after ends_at (closed_at), max"), value: round(max(rulesRemoved)), unit: "ms" });
  return grantIds;
}

async function oneBff(ctx: ScenarioContext): Promise<void> {
  const stack = await startJitStack({ seed: estate, writeLatencyMs });
  try {
    const vmIds = await listVmIds(stack.bff.arm);
    ctx.setting("grants (N)", vmIds.length);
    ctx.setting("SCHEDULER_INTERVAL_MS", stack.bff.config.scheduler.intervalMs);
    ctx.note("One BFF: in process (the emulator shares its event loop), PGlite in memory. The scheduler wakes when the next grant ends (not on its 1 s tick) and claims all of them; each NSG is its own unit (8 at a time) and each grant is recorded closed as soon as its own NSGs are clean.");
    ctx.note("One BFF: one NSG answers every write with 429 and Retry-After: 120 s; lateness is that of the other (healthy) grants, which it must not hold up. Its own grants wait for the Retry-After; after measuring, the throttling ends and they are closed, so no rule is left.");
    await enableSsh(stack, vmIds);
    await measureExpiry(ctx, {
      label: "",
      db: stack.bff.database.kysely,
      arm: stack.bff.arm,
      apis: [stack],
      vmIds,
      startJobs: () => stack.bff.jobs.startJobs({ takeOverStoppedProcesses: false }),
      stopJobs: () => stack.bff.jobs.scheduler.stop(),
      async throttleOneNsg(placed) {
        // The NSG with the fewest grants (a NIC's, not a subnet's shared by hundreds).
        const counts = new Map<string, number>();
        for (const grant of placed) for (const id of nsgIdsOf(grant)) counts.set(id, (counts.get(id) ?? 0) + 1);
        const nsgId = [...counts.entries()].sort((a, b) => a[1] - b[1])[0]?.[0] ?? "";
        const name = nsgId.split("/").at(-1) ?? "";
        stack.emulator.control.addFault({ match: { method: "PUT", pathContains: `networkSecurityGroups/${name}` }, times: 1_000_000, fault: { kind: "status", status: 429, code: "SubscriptionRequestsThrottled", retryAfterSeconds: 120 } });
        return nsgId;
      },
      async finishThrottled() {
        stack.emulator.control.clearFaults();
        await sql`update jit_grant set next_attempt_at = now() where status = 'closing'`.execute(stack.bff.database.kysely);
        await stack.bff.jobs.expiry.sweep();
      },
    });
  } finally {
    await stack.close();
  }
}

/** request.expired audit events per grant id. */
async function expiredEvents(db: Db): Promise<Map<string, number>> {
  const result = await sql<{ grant_id: string; events: number }>`
    select details->>'grantId' as grant_id, count(*)::int as events from audit_event where action = 'request.expired' group by 1`.execute(db);
  return new Map(result.rows.map((r) => [r.grant_id, r.events]));
}

/** Waits until the replicas' sweep log lines account for `closed` grants (they are written after the rows close). */
async function closesByReplica(stack: ReplicaStack, closed: number): Promise<number[]> {
  const until = Date.now() + logWaitMs;
  for (;;) {
    const counts = stack.replicas.map((r) => sweptByReplica(r).closed);
    if (counts.reduce((a, b) => a + b, 0) >= closed || Date.now() > until) return counts;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function threeBffs(ctx: ScenarioContext): Promise<void> {
  const label = `${replicaCount} BFFs: `;
  const replicaEstate = replicaEstateFor(ctx.large);
  // info: each replica logs what its sweeps closed ("expiry sweep"), which is how closes are counted per process.
  const stack = await startReplicaStack({ replicas: replicaCount, seed: replicaEstate, writeLatencyMs, env: { LOG_LEVEL: "info" } });
  try {
    ctx.setting(`${label}estate`, JSON.stringify(replicaEstate));
    ctx.setting(`${label}processes / database`, `${replicaCount} x node apps/bff/src/main.ts / PostgreSQL 127.0.0.1:5432, database ${stack.databaseName} (created and dropped by the run)`);
    ctx.note(
      `${replicaCount} BFFs: separate processes (as apps/bff/src/scheduler/multi-replica.test.ts runs them) on one PostgreSQL database and one emulator (which checks no tokens there); SSH enabled through PUT /api/policies, grants requested round-robin through the three, scheduler at its default interval in each.`,
    );
    ctx.note(`${replicaCount} BFFs: ${replicaEstate.vms.toLocaleString("en-US")} grants on ${replicaEstate.nsgs.toLocaleString("en-US")} NSGs (one subnet NSG per 200 VMs, so most grants sit behind two NSGs).`);
    ctx.note(`${replicaCount} BFFs: closes per process are summed from each process's "expiry sweep" / "expiry closes" log lines; exactly once is checked on the audit trail (one request.expired event per grant); NSG writes are counted by the emulator from just before the end second.`);
    const vmIds = await listVmIds(stack.arm);
    const admin = stack.admins[0] as ApiCaller;
    await putSshPolicy(admin.url, admin.token, vmIds);
    const grantIds = await measureExpiry(ctx, {
      label,
      db: stack.database.kysely,
      arm: stack.arm,
      apis: stack.admins,
      vmIds,
      startJobs: async () => undefined,
      stopJobs: async () => undefined,
      beforeEnd: () => stack.emulator.control.resetCounters(),
      latenessBudgets: { p99: budgets.expiryReplicasLatenessP99, max: budgets.expiryReplicasLatenessMax },
    });
    const writes = Object.values(stack.emulator.control.counters().writesByNsg);
    ctx.record({ metric: `${label}NSGs written`, value: writes.length, unit: "NSGs" });
    ctx.record({ metric: `${label}NSG writes per NSG per batch, max`, value: writes.length === 0 ? 0 : Math.max(...writes), unit: "writes", budget: budgets.expiryNsgWritesPerBatch });
    const closes = await closesByReplica(stack, grantIds.length);
    closes.forEach((count, i) => ctx.record({ metric: `${label}grants closed by BFF ${i + 1}`, value: count, unit: "grants" }));
    const total = closes.reduce((a, b) => a + b, 0);
    ctx.record({ metric: `${label}share of closes by the busiest BFF`, value: total === 0 ? 0 : round((100 * Math.max(...closes)) / total), unit: "%", budget: budgets.expiryBusiestShare });
    const expired = await expiredEvents(stack.database.kysely);
    const notOnce = grantIds.filter((id) => expired.get(id) !== 1).length;
    ctx.log(`expiry (${replicaCount} BFFs): closes per process ${closes.join(" / ")}, ${notOnce} grants without exactly one request.expired event`);
    ctx.record({ metric: `${label}grants without exactly one request.expired event`, value: notOnce, unit: "grants", budget: budgets.expiryNotClosedOnce });
    if (notOnce > 0) await explainUnclosed(ctx, stack);
  } catch (error) {
    // A failed step (a 5xx from a replica, say) is explained by the replicas' own error lines: show the last few.
    const errors = stack.replicas.flatMap((r, i) =>
      r
        .output()
        .split("\n")
        .filter((line) => line.includes('"level":50'))
        .slice(-3)
        .map((line) => `BFF ${i + 1}: ${line.slice(0, 1500)}`),
    );
    if (errors.length > 0) ctx.log(`expiry (${replicaCount} BFFs): the replicas' last errors:\n${errors.join("\n")}`);
    throw error;
  } finally {
    await stack.close();
  }
}

/** Grants that did not close once: their rows as the database holds them, and the replicas' last warnings and errors. */
async function explainUnclosed(ctx: ScenarioContext, stack: ReplicaStack): Promise<void> {
  const rows = await sql<Record<string, unknown>>`
    select id, status, status_reason, nsg_ids, nsg_cleared, claimed_by, lease_until, next_attempt_at, close_attempts, last_error
    from jit_grant where status <> 'closed' order by id limit 5`.execute(stack.database.kysely);
  const units = await sql<Record<string, unknown>>`select * from expiry_unit limit 10`.execute(stack.database.kysely);
  ctx.log(`expiry (${replicaCount} BFFs): not closed, e.g.:\n${rows.rows.map((r) => JSON.stringify(r)).join("\n")}\nexpiry units held: ${JSON.stringify(units.rows)}`);
  const lines = stack.replicas.flatMap((r, i) =>
    r
      .output()
      .split("\n")
      .filter((line) => line.includes('"level":50') || line.includes('"level":40'))
      .slice(-3)
      .map((line) => `BFF ${i + 1}: ${line.slice(0, 1500)}`),
  );
  if (lines.length > 0) ctx.log(`expiry (${replicaCount} BFFs): the replicas' last warnings and errors:\n${lines.join("\n")}`);
}

function commonNotes(ctx: ScenarioContext): void {
  ctx.setting("emulator write latency (ms)", writeLatencyMs);
  ctx.note("Grants are opened through POST /api/requests (100 at a time), then ends_at of every grant is set by SQL to the same second (3 s ahead); the scheduler runs on the system clock.");
  ctx.note(`Lateness is the time a poll of jit_grant (every ${pollMs} ms, plus the query) first sees the row closed, minus its ends_at: rows become closed only after their NSG writes succeeded, so this is an upper bound. "rules removed after ends_at" uses the row's closed_at instead, taken when the NSG writes are done (before the row and its audit event are committed).`);
}

export const expiryScenario: Scenario = {
  name: "expiry",
  description: `${grantCount} grants ending in the same second, one BFF: how late each is closed`,
  timeoutMs: 6 * 60_000,
  async run(ctx) {
    ctx.setting("estate", JSON.stringify(estate));
    commonNotes(ctx);
    await oneBff(ctx);
  },
};

export const expiryReplicasScenario: Scenario = {
  name: "expiry-replicas",
  description: `grants ending in the same second on ${replicaCount} BFFs on PostgreSQL (1,000; 10,000 with --large): how late each is closed, and how the BFFs share the work`,
  timeoutMs: 40 * 60_000,
  async run(ctx) {
    commonNotes(ctx);
    await threeBffs(ctx);
  },
};
