import { armIdKey } from "@portcullis/core";
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema, GrantStatusValue } from "../lib/db/schema.ts";
import { jsonValue } from "../lib/db/row-values.ts";
import { ownerAlive, staleAfterSeconds } from "../lib/instances/registry.ts";
import type { GrantRecord } from "./grant-record.ts";
import { toRecord } from "./grant-rows.ts";
import type { InTransaction, Lease } from "./grant-lease.ts";

/**
 * Expiry work shared by replicas (ADR 018). The unit is one NSG with every due grant that has a rule in it: its
 * claimer removes them all in one write. A grant behind several NSGs (NIC and subnet) is in several units, possibly
 * on several replicas; each unit records the NSG as cleared on the grant (`nsg_cleared`), and whichever records
 * the last of a grant's NSGs closes it (row locks make that exactly one, with one audit event).
 */
export interface ExpiryUnit {
  nsgId: string;
  nsgKey: string;
  grantIds: string[];
}

export interface ClaimedUnits {
  units: ExpiryUnit[];
  /** Every grant of the units, and the `ready` ones. */
  grants: GrantRecord[];
  /** Grants with nothing left to write (no NSG, or every NSG cleared): they are only recorded closed. */
  ready: string[];
}

export interface UnitFailure {
  id: string;
  error: string;
  nextAttemptAt: Date;
  reason: string;
}

/** What happened to claimed work: NSGs written (their grants' rules gone), NSGs that failed, grants ready. */
export interface UnitOutcomes {
  cleared: Array<{ nsgKey: string; grantIds: readonly string[] }>;
  failed: Array<{ nsgKey: string; failures: readonly UnitFailure[] }>;
  ready: readonly string[];
}

interface UnitRow {
  nsg_key: string;
  nsg_id: string;
  first_end: Date | string;
  grant_ids: unknown;
  holder: string | null;
  held: boolean;
}

const claimLock = sql`select pg_advisory_xact_lock(hashtextextended('portcullis:grant-claim', 0))`;

function keysOf(value: unknown): string[] {
  const parsed = jsonValue(value);
  return Array.isArray(parsed) ? parsed.map((v) => String(v)) : [];
}

/**
 * The units offered to process `self` of `processes` (every unit when it is alone, or not among the live ones):
 * dealt largest first to the process with the least work so far, by the grants each unit finishes (the grants
 * whose last NSG it is), then by its size. Every process computes the same deal from the same rows.
 */
function offeredUnits(rows: ReadonlyArray<Pick<UnitRow, "nsg_key" | "grant_ids">>, processes: number, self: number): Set<string> {
  if (processes <= 1 || self < 0) return new Set(rows.map((r) => r.nsg_key));
  const grantsOf = new Map(rows.map((r) => [r.nsg_key, keysOf(r.grant_ids)]));
  const unitsOfGrant = new Map<string, string[]>();
  for (const r of rows) for (const id of grantsOf.get(r.nsg_key) ?? []) unitsOfGrant.set(id, [...(unitsOfGrant.get(id) ?? []), r.nsg_key]);
  const size = (key: string) => grantsOf.get(key)?.length ?? 0;
  // A grant's last NSG is its least shared one (the shared ones are written first).
  const lastOf = (id: string) => [...(unitsOfGrant.get(id) ?? [])].sort((a, b) => size(a) - size(b) || a.localeCompare(b))[0];
  const finishes = new Map<string, number>();
  for (const id of unitsOfGrant.keys()) {
    const last = lastOf(id);
    if (last !== undefined) finishes.set(last, (finishes.get(last) ?? 0) + 1);
  }
  const load = Array.from({ length: processes }, () => ({ finishes: 0, size: 0 }));
  const offered = new Set<string>();
  const keys = rows.map((r) => r.nsg_key).sort((a, b) => (finishes.get(b) ?? 0) - (finishes.get(a) ?? 0) || size(b) - size(a) || a.localeCompare(b));
  for (const key of keys) {
    let to = 0;
    for (let i = 1; i < processes; i++) {
      const a = load[i] as { finishes: number; size: number };
      const best = load[to] as { finishes: number; size: number };
      if (a.finishes < best.finishes || (a.finishes === best.finishes && a.size < best.size)) to = i;
    }
    const chosen = load[to] as { finishes: number; size: number };
    chosen.finishes += finishes.get(key) ?? 0;
    chosen.size += size(key);
    if (to === self) offered.add(key);
  }
  return offered;
}

/**
 * How long a unit of a burst waits for the process it is offered to (from the burst's end second) before any
 * process may take it. Live processes look every 100 ms while part of a burst is held by another process or waits
 * for its offer, so only a process that is alive but stuck leaves its units this long; a dead one stops counting as live and is offered nothing.
 */
const offerMs = 1_000;

export function createExpiryUnits(db: Kysely<DatabaseSchema>) {
  return {
    /**
     * In one transaction (serialised across replicas like every claim): due grants join the shared expiry
     * (`closing`, `nsg_cleared` set), then the caller claims NSG units not held by a live process, at most its
     * fair share of the burst (units due / live processes, less the units it holds already) and at most `limit`.
     * Every due grant of a claimed NSG is in its unit, so the NSG is written once for all of them.
     */
    async claimUnits(lease: Lease, limit: number): Promise<ClaimedUnits> {
      return db.transaction().execute(async (trx) => {
        await claimLock.execute(trx);
        const now = lease.now;
        const free = sql<boolean>`(claimed_by is null or lease_until is null or lease_until <= ${now} or (claimed_by <> ${lease.claimedBy} and not ${ownerAlive("claimed_by")}))`;
        const due = sql<boolean>`(next_attempt_at is null or next_attempt_at <= ${now})`;
        // Join the shared expiry: open grants past their end (or revoked), closes that failed or whose process
        // stopped, openings whose process stopped. The grant-level hold is the units' from now on.
        await sql`
          update jit_grant set
            status = 'closing',
            status_reason = case
              when status = 'open' and revoke_requested is not null then 'Revoked'
              when status = 'open' then 'Expired'
              when status = 'opening' then 'OpenFailed'
              else status_reason end,
            nsg_cleared = coalesce(nsg_cleared, '[]'::jsonb),
            claimed_by = null,
            lease_until = null
          where id in (
            select id from jit_grant
            where (status = 'open' and (ends_at <= ${now} or revoke_requested is not null) and ${free})
               or (status = 'closing' and nsg_cleared is null and ${free} and ${due})
               or (status = 'opening' and claimed_by is not null and ${free})
            for update skip locked
          )`.execute(trx);

        // Units whose holder stopped or whose lease ran out are free (their NSGs are found due again below).
        await sql`delete from expiry_unit x where x.lease_until <= ${now} or (x.claimed_by <> ${lease.claimedBy} and not ${ownerAlive("x.claimed_by")})`.execute(trx);
        const unitRows = await sql<UnitRow>`
          with pairs as (
            select lower(e.value) as nsg_key, e.value as nsg_id, g.id as grant_id, g.ends_at
            from jit_grant g cross join lateral jsonb_array_elements_text(g.nsg_ids) as e(value)
            where g.status = 'closing' and g.nsg_cleared is not null and ${due}
              and not (g.nsg_cleared @> jsonb_build_array(lower(e.value)))
          ), units as (
            select nsg_key, min(nsg_id) as nsg_id, min(ends_at) as first_end, jsonb_agg(distinct grant_id) as grant_ids
            from pairs group by nsg_key
          )
          select u.nsg_key, u.nsg_id, u.first_end, u.grant_ids, x.claimed_by as holder,
            (x.nsg_key is not null) as held
          from units u left join expiry_unit x on x.nsg_key = u.nsg_key`.execute(trx);

        const live = await sql<{ id: string }>`
          select id from bff_instance
          where stopped_at is null and heartbeat_at > clock_timestamp() - make_interval(secs => ${staleAfterSeconds})
          order by id`.execute(trx);
        const liveIds = live.rows.map((r) => r.id);
        const replicas = Math.max(1, liveIds.length);
        const rows = unitRows.rows;
        // Each unit of a burst is first offered to one live process, so a process that wakes a little later still
        // finds its part; a unit not taken by its process within `offerMs` of its first end goes to whoever looks next
        // (a slow or busy process never holds a burst up). The offers balance what the processes close: a grant is
        // closed by whoever clears its last NSG, so units are dealt by the grants they finish (largest first, each to
        // the process with the least so far), then the rest by size.
        const self = liveIds.indexOf(lease.claimedBy);
        const offeredHere = offeredUnits(rows, liveIds.length, self);
        const offerOver = (r: UnitRow): boolean => now.getTime() - new Date(r.first_end).getTime() >= offerMs;
        const mine = rows.filter((r) => r.held && r.holder === lease.claimedBy).length;
        const share = Math.ceil(rows.length / replicas);
        const take = Math.max(0, Math.min(limit, share - mine));
        // A grant behind several NSGs is written to its most shared NSG first (a subnet's, before its NIC's): a
        // unit is taken only when each of its grants' earlier NSGs is cleared or taken by this process. The shared
        // units spread over the replicas first, then the per-VM ones, whose claimers close the grants; one process
        // alone (PGlite) takes them all in one round.
        const sizeOf = new Map(rows.map((r) => [r.nsg_key, keysOf(r.grant_ids).length]));
        const order = (a: string, b: string): number => (sizeOf.get(b) ?? 0) - (sizeOf.get(a) ?? 0) || a.localeCompare(b);
        const pendingOf = new Map<string, string[]>();
        for (const r of rows) for (const id of keysOf(r.grant_ids)) pendingOf.set(id, [...(pendingOf.get(id) ?? []), r.nsg_key]);
        for (const keys of pendingOf.values()) keys.sort(order);
        const taken = new Set(rows.filter((r) => r.held && r.holder === lease.claimedBy).map((r) => r.nsg_key));
        const candidates = rows
          .filter((r) => !r.held && (offeredHere.has(r.nsg_key) || offerOver(r)))
          .sort((a, b) => new Date(a.first_end).getTime() - new Date(b.first_end).getTime() || order(a.nsg_key, b.nsg_key));
        const chosen: UnitRow[] = [];
        for (const r of candidates) {
          if (chosen.length >= take) break;
          // A unit offered to another process is taken only once its grants' earlier NSGs are cleared (not merely
          // held here): holding a shared NSG must not pull the units behind it away from the processes they went to.
          const offered = offeredHere.has(r.nsg_key);
          const ready = keysOf(r.grant_ids).every((id) => {
            const keys = pendingOf.get(id) ?? [];
            const earlier = keys.slice(0, keys.indexOf(r.nsg_key));
            return offered ? earlier.every((k) => taken.has(k)) : earlier.length === 0;
          });
          if (!ready) continue;
          chosen.push(r);
          taken.add(r.nsg_key);
        }
        const units: ExpiryUnit[] = chosen.map((r) => ({ nsgId: r.nsg_id, nsgKey: r.nsg_key, grantIds: keysOf(r.grant_ids).sort() }));

        if (units.length > 0) {
          await trx
            .insertInto("expiry_unit")
            .values(units.map((u) => ({ nsg_key: u.nsgKey, claimed_by: lease.claimedBy, lease_until: lease.until })))
            .onConflict((oc) => oc.column("nsg_key").doUpdateSet((eb) => ({ claimed_by: eb.ref("excluded.claimed_by"), lease_until: eb.ref("excluded.lease_until") })))
            .execute();
        }
        const ids = [...new Set(units.flatMap((u) => u.grantIds))];
        const held = ids.length === 0 ? [] : await trx.updateTable("jit_grant").set({ claimed_by: lease.claimedBy, lease_until: lease.until }).where("id", "in", ids).returningAll().execute();
        // Grants with no NSG left to write are only recorded closed, by one claimer.
        const ready = await sql<Record<string, unknown>>`
          update jit_grant set claimed_by = ${lease.claimedBy}, lease_until = ${lease.until}
          where id in (
            select g.id from jit_grant g
            where g.status = 'closing' and g.nsg_cleared is not null and ${due} and ${free}
              and not exists (select 1 from jsonb_array_elements_text(g.nsg_ids) as e(value) where not (g.nsg_cleared @> jsonb_build_array(lower(e.value))))
            for update skip locked
          )
          returning *`.execute(trx);
        const readyRecords = ready.rows.map((row) => toRecord(row as Parameters<typeof toRecord>[0]));
        return { units, grants: [...held.map(toRecord), ...readyRecords], ready: readyRecords.map((r) => r.id) };
      });
    },

    /**
     * Records claimed work in one transaction: NSGs cleared on their grants (a grant whose every NSG is cleared is
     * closed, and `onClosed` writes its audit event in the same transaction), failed NSGs' grants due again later
     * (`onRetried`), and the units released. Rows are locked in id order, so replicas recording units that share
     * grants wait for each other instead of deadlocking, and exactly one of them closes each grant.
     */
    async recordUnits(outcomes: UnitOutcomes, claimedBy: string, now: Date, onClosed: InTransaction, onRetried: InTransaction): Promise<{ closed: GrantRecord[]; retried: GrantRecord[] }> {
      const clearedBy = new Map<string, Set<string>>();
      for (const { nsgKey, grantIds } of outcomes.cleared) for (const id of grantIds) clearedBy.set(id, (clearedBy.get(id) ?? new Set()).add(nsgKey));
      const failures = new Map(outcomes.failed.flatMap((f) => f.failures.map((failure) => [failure.id, failure] as const)));
      const ids = [...new Set([...clearedBy.keys(), ...failures.keys(), ...outcomes.ready])].sort();
      const unitKeys = [...new Set([...outcomes.cleared, ...outcomes.failed].map((u) => u.nsgKey))];
      return db.transaction().execute(async (trx) => {
        const result = { closed: [] as GrantRecord[], retried: [] as GrantRecord[] };
        const locked = ids.length === 0 ? [] : await trx.selectFrom("jit_grant").select(["id", "nsg_ids", "nsg_cleared"]).where("id", "in", ids).where("status", "=", "closing").where("nsg_cleared", "is not", null).orderBy("id").forUpdate().execute();
        const complete: string[] = [];
        const updates: Array<{ id: string; cleared: string[] }> = [];
        for (const row of locked) {
          const cleared = new Set([...keysOf(row.nsg_cleared), ...(clearedBy.get(row.id) ?? [])]);
          if (cleared.size > keysOf(row.nsg_cleared).length) updates.push({ id: row.id, cleared: [...cleared].sort() });
          if (keysOf(row.nsg_ids).every((id) => cleared.has(armIdKey(id)))) complete.push(row.id);
        }
        if (updates.length > 0) {
          await sql`
            update jit_grant as j set nsg_cleared = v.cleared::jsonb
            from (values ${sql.join(updates.map((u) => sql`(${u.id}::uuid, ${JSON.stringify(u.cleared)})`))}) as v(id, cleared)
            where j.id = v.id`.execute(trx);
        }
        if (complete.length > 0) {
          const rows = await trx
            .updateTable("jit_grant")
            .set({
              status: sql<GrantStatusValue>`case when status_reason = 'OpenFailed' then 'failed' else 'closed' end`,
              closed_at: now,
              claimed_by: null,
              lease_until: null,
              next_attempt_at: null,
              retry_reason: null,
              last_error: sql<string | null>`case when status_reason = 'OpenFailed' then last_error else null end`,
            })
            .where("id", "in", complete)
            .returningAll()
            .execute();
          result.closed = rows.map(toRecord);
          await onClosed(trx, result.closed);
        }
        const closed = new Set(complete);
        for (const row of locked) {
          const failure = failures.get(row.id);
          if (failure === undefined || closed.has(row.id)) continue;
          const retried = await trx
            .updateTable("jit_grant")
            .set({ close_attempts: sql<number>`close_attempts + 1`, last_error: failure.error, next_attempt_at: failure.nextAttemptAt, retry_reason: failure.reason, claimed_by: null, lease_until: null })
            .where("id", "=", row.id)
            .returningAll()
            .executeTakeFirst();
          if (retried !== undefined) result.retried.push(toRecord(retried));
        }
        if (result.retried.length > 0) await onRetried(trx, result.retried);
        if (unitKeys.length > 0) await trx.deleteFrom("expiry_unit").where("nsg_key", "in", unitKeys).where("claimed_by", "=", claimedBy).execute();
        return result;
      });
    },

    /**
     * Whether due work is waiting that `claimedBy` is not doing itself: an NSG of a due grant not cleared yet and not
     * held by this process's unit (held by another process, offered to one, or waiting behind a grant's other NSG), or
     * a grant with no NSG left to write: worth claiming again soon. The units this process holds are not: it claims
     * again when its own closes settle, so a process alone does not query the burst every few milliseconds.
     */
    async unitsPending(now: Date, claimedBy: string): Promise<boolean> {
      const row = await sql<{ pending: boolean }>`
        select exists (
          select 1 from jit_grant g
          where g.status = 'closing' and g.nsg_cleared is not null and (g.next_attempt_at is null or g.next_attempt_at <= ${now})
            and (
              not exists (select 1 from jsonb_array_elements_text(g.nsg_ids) as e(value) where not (g.nsg_cleared @> jsonb_build_array(lower(e.value))))
              or exists (
                select 1 from jsonb_array_elements_text(g.nsg_ids) as e(value)
                where not (g.nsg_cleared @> jsonb_build_array(lower(e.value)))
                  and not exists (select 1 from expiry_unit x where x.nsg_key = lower(e.value) and x.claimed_by = ${claimedBy} and x.lease_until > ${now})
              )
            )
        ) as pending`.execute(db);
      return row.rows[0]?.pending === true;
    },

    /** A clean shutdown: this process's units are free at once (their grants stay due, for the others). */
    async releaseUnits(claimedBy: string): Promise<number> {
      const rows = await db.deleteFrom("expiry_unit").where("claimed_by", "=", claimedBy).returning("nsg_key").execute();
      return rows.length;
    },

    /** PGlite (one process per database): units held by an earlier process end now. */
    async endForeignUnits(claimedBy: string): Promise<number> {
      const rows = await db.deleteFrom("expiry_unit").where("claimed_by", "!=", claimedBy).returning("nsg_key").execute();
      return rows.length;
    },
  };
}

export type ExpiryUnits = ReturnType<typeof createExpiryUnits>;
