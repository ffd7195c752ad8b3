import { isUuid } from "@portcullis/contract";
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema, GrantStatusValue } from "../lib/db/schema.ts";
import type { GrantRecord, RevokeRequest } from "./grant-record.ts";
import { createExpiryUnits } from "./expiry-units.ts";
import type { InTransaction, Lease } from "./grant-lease.ts";
import { createGrantReads } from "./grant-reads.ts";
import { toRecord, toRow } from "./grant-rows.ts";

export type { InTransaction, Lease } from "./grant-lease.ts";

/** Thrown when a row is no longer in the state the caller leased it in (another process took it over). */
export class GrantStateChangedError extends Error {
  constructor(ids: readonly string[]) {
    super(`grant ${ids.join(", ")} changed under the operation (another process took it over)`);
    this.name = "GrantStateChangedError";
  }
}

const noop: InTransaction = async () => undefined;

export function createGrantRepository(db: Kysely<DatabaseSchema>) {
  async function byIds(trx: Kysely<DatabaseSchema>, ids: readonly string[]): Promise<GrantRecord[]> {
    if (ids.length === 0) return [];
    return (await trx.selectFrom("jit_grant").selectAll().where("id", "in", [...ids]).execute()).map(toRecord);
  }

  const units = createExpiryUnits(db);
  return {
    ...createGrantReads(db),
    ...units,

    /** Every open grant of one requester (no cap: a role removal must reach them all). */
    async openFor(requesterOid: string): Promise<GrantRecord[]> {
      const rows = await db.selectFrom("jit_grant").selectAll().where("requester_oid", "=", requesterOid.toLowerCase()).where("status", "=", "open").orderBy("created_at").execute();
      return rows.map(toRecord);
    },


    /** The requester's open grants on the VM (candidates for superseding). */
    async openOnVm(requesterOid: string, vmId: string): Promise<GrantRecord[]> {
      const rows = await db.selectFrom("jit_grant").selectAll().where("requester_oid", "=", requesterOid).where("vm_id", "=", vmId.toLowerCase()).where("status", "=", "open").execute();
      return rows.map(toRecord);
    },

    /**
     * Stores a new grant (`opening`, leased to this process) before any rule is written, and claims the grants it
     * supersedes (`closing`, same lease) unless another operation holds them. Returns the superseded grants claimed.
     */
    async insertOpening(record: GrantRecord, supersede: readonly string[], alsoIn: InTransaction = noop): Promise<GrantRecord[]> {
      return db.transaction().execute(async (trx) => {
        await trx.insertInto("jit_grant").values(toRow(record)).execute();
        let claimed: GrantRecord[] = [];
        if (supersede.length > 0 && record.leaseUntil !== null && record.claimedBy !== null) {
          const rows = await trx
            .updateTable("jit_grant")
            .set({ status: "closing", status_reason: "NewerRequestInitiated", claimed_by: record.claimedBy, lease_until: record.leaseUntil })
            .where("id", "in", [...supersede])
            .where("status", "=", "open")
            .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", record.createdAt)]))
            .returningAll()
            .execute();
          claimed = rows.map(toRecord);
        }
        await alsoIn(trx, [record]);
        return claimed;
      });
    },

    /** The writes landed: the new grants are open and the superseded ones closed, with their audit events. */
    async markOpened(ids: readonly string[], superseded: readonly string[], lease: Lease, alsoIn: InTransaction = noop): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const opened = await trx
          .updateTable("jit_grant")
          .set({ status: "open", claimed_by: null, lease_until: null })
          .where("id", "in", [...ids])
          .where("status", "=", "opening")
          .where("claimed_by", "=", lease.claimedBy)
          .returning("id")
          .execute();
        if (opened.length !== ids.length) throw new GrantStateChangedError(ids.filter((id) => !opened.some((row) => row.id === id)));
        if (superseded.length > 0) {
          await trx
            .updateTable("jit_grant")
            .set({ status: "closed", closed_at: lease.now, claimed_by: null, lease_until: null })
            .where("id", "in", [...superseded])
            .where("claimed_by", "=", lease.claimedBy)
            .execute();
        }
        await alsoIn(trx, await byIds(trx, [...ids, ...superseded]));
      });
    },

    /**
     * Opening failed. `settled`: nothing of the write is left, so the grant is `failed` and the superseded grants
     * are open again. Otherwise some NSG may still hold its rules: the grant and the superseded ones go to
     * `closing`, due now, so the expiry job removes them (it retries until it can).
     */
    async markOpenFailed(id: string, superseded: readonly string[], error: string, settled: boolean, lease: Lease, alsoIn: InTransaction = noop): Promise<GrantRecord[]> {
      return db.transaction().execute(async (trx) => {
        const released = { claimed_by: null, lease_until: null };
        if (settled) {
          await trx.updateTable("jit_grant").set({ ...released, status: "failed", status_reason: "OpenFailed", last_error: error, closed_at: lease.now }).where("id", "=", id).where("claimed_by", "=", lease.claimedBy).execute();
          if (superseded.length > 0) {
            await trx.updateTable("jit_grant").set({ ...released, status: "open", status_reason: null }).where("id", "in", [...superseded]).where("claimed_by", "=", lease.claimedBy).execute();
          }
        } else {
          await trx.updateTable("jit_grant").set({ ...released, status: "closing", status_reason: "OpenFailed", last_error: error, next_attempt_at: lease.now }).where("id", "=", id).where("claimed_by", "=", lease.claimedBy).execute();
          if (superseded.length > 0) {
            await trx.updateTable("jit_grant").set({ ...released, next_attempt_at: lease.now }).where("id", "in", [...superseded]).where("claimed_by", "=", lease.claimedBy).execute();
          }
        }
        const changed = await byIds(trx, [id, ...superseded]);
        await alsoIn(trx, changed);
        return changed;
      });
    },

    /** Leases an open grant (for an extension), unless another operation holds it; null when it cannot. */
    async leaseOpen(id: string, lease: Lease): Promise<GrantRecord | null> {
      const row = await db
        .updateTable("jit_grant")
        .set({ claimed_by: lease.claimedBy, lease_until: lease.until })
        .where("id", "=", id)
        .where("status", "=", "open")
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", lease.now)]))
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },

    async finishExtend(id: string, endsAt: Date, lease: Lease, alsoIn: InTransaction = noop): Promise<GrantRecord> {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable("jit_grant")
          .set({ ends_at: endsAt, claimed_by: null, lease_until: null, expiry_warned_at: null })
          .where("id", "=", id)
          .where("status", "=", "open")
          .where("claimed_by", "=", lease.claimedBy)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw new GrantStateChangedError([id]);
        const record = toRecord(row);
        await alsoIn(trx, [record]);
        return record;
      });
    },

    /** The earliest moment after `now` something becomes due: an open grant's end, or a close's retry (null when none). */
    async nextDueAfter(now: Date): Promise<Date | null> {
      const ends = await db.selectFrom("jit_grant").select((eb) => eb.fn.min("ends_at").as("next")).where("status", "=", "open").where("ends_at", ">", now).executeTakeFirst();
      const retries = await db.selectFrom("jit_grant").select((eb) => eb.fn.min("next_attempt_at").as("next")).where("status", "=", "closing").where("next_attempt_at", ">", now).executeTakeFirst();
      // A revocation that waits for a grant to be free is due when its holder's lease ends (now, when none holds it).
      const revoked = await db
        .selectFrom("jit_grant")
        .select(sql<Date | string | null>`min(greatest(coalesce(lease_until, ${now}), ${now}))`.as("next"))
        .where("status", "=", "open")
        .where("revoke_requested", "is not", null)
        .executeTakeFirst();
      const times = [ends?.next as Date | string | null | undefined, retries?.next as Date | string | null | undefined, revoked?.next]
        .filter((t): t is Date | string => t !== null && t !== undefined)
        .map((t) => new Date(t).getTime());
      return times.length === 0 ? null : new Date(Math.min(...times));
    },

    /** ARM answers again: closes that waited because it did not are due now (throttled ones keep their Retry-After). */
    async wakeRetries(reason: string, now: Date): Promise<number> {
      const rows = await db
        .updateTable("jit_grant")
        .set({ next_attempt_at: now })
        .where("status", "=", "closing")
        .where("retry_reason", "=", reason)
        .where("next_attempt_at", ">", now)
        .returning("id")
        .execute();
      return rows.length;
    },

    /**
     * A clean shutdown hands this process's unfinished work over at once: its claims are released (an opening whose
     * write did not finish is left `opening` and free, so whoever claims it next closes it as never opened).
     */
    async releaseClaims(claimedBy: string): Promise<number> {
      const rows = await db.updateTable("jit_grant").set({ claimed_by: null, lease_until: null }).where("claimed_by", "=", claimedBy).where("status", "in", ["closing", "open"]).returning("id").execute();
      const opening = await db.updateTable("jit_grant").set({ lease_until: sql<Date>`'epoch'::timestamptz` }).where("claimed_by", "=", claimedBy).where("status", "=", "opening").returning("id").execute();
      await units.releaseUnits(claimedBy);
      return rows.length + opening.length;
    },

    async releaseLease(id: string, claimedBy: string): Promise<void> {
      await db.updateTable("jit_grant").set({ claimed_by: null, lease_until: null }).where("id", "=", id).where("claimed_by", "=", claimedBy).execute();
    },

    /**
     * The grants a requester holds or is being given (opening or open), for withdrawing them when a role goes.
     */
    async activeFor(requesterOid: string): Promise<GrantRecord[]> {
      const rows = await db.selectFrom("jit_grant").selectAll().where("requester_oid", "=", requesterOid.toLowerCase()).where("status", "in", ["opening", "open"]).orderBy("created_at").execute();
      return rows.map(toRecord);
    },

    /**
     * Records a revocation on grants still opening or open (the first one recorded stands): whoever closes them
     * next closes them as revoked, as soon as no other operation holds them, on any replica.
     */
    async requestRevoke(ids: readonly string[], request: RevokeRequest): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable("jit_grant")
        .set({ revoke_requested: sql`coalesce(revoke_requested, ${JSON.stringify(request)}::jsonb)` })
        .where("id", "in", [...ids])
        .where("status", "in", ["opening", "open"])
        .returning("id")
        .execute();
      return rows.map((row) => row.id);
    },

    /** Claims one open grant to close it now (revoke); null when it is not open or another operation holds it. */
    async claimForClose(id: string, reason: "UserRequested" | "Revoked", lease: Lease): Promise<GrantRecord | null> {
      const row = await db
        .updateTable("jit_grant")
        .set({ status: "closing", status_reason: reason, claimed_by: lease.claimedBy, lease_until: lease.until })
        .where("id", "=", id)
        .where("status", "=", "open")
        .where((eb) => eb.or([eb("lease_until", "is", null), eb("lease_until", "<=", lease.now)]))
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },

    /**
     * The Allow rules are gone: `closed` (or `failed` for a grant that never opened). Only rows still leased to
     * the caller change, so a grant is finished (and audited) once even if a lease was taken over.
     */
    async finishClose(ids: readonly string[], lease: Lease, alsoIn: InTransaction = noop): Promise<GrantRecord[]> {
      if (ids.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const rows = await trx
          .updateTable("jit_grant")
          .set({
            status: sql<GrantStatusValue>`case when status_reason = 'OpenFailed' then 'failed' else 'closed' end`,
            closed_at: lease.now,
            claimed_by: null,
            lease_until: null,
            next_attempt_at: null,
            retry_reason: null,
            // A retried close that finally went through is no longer in error; a grant that never opened keeps why.
            last_error: sql<string | null>`case when status_reason = 'OpenFailed' then last_error else null end`,
          })
          .where("id", "in", [...ids])
          .where("status", "=", "closing")
          .where("claimed_by", "=", lease.claimedBy)
          .returningAll()
          .execute();
        const changed = rows.map(toRecord);
        await alsoIn(trx, changed);
        return changed;
      });
    },

    /** Closing failed: counted, the error kept, due again at `nextAttemptAt` (any replica may take it then). */
    async scheduleRetry(failures: ReadonlyArray<{ id: string; error: string; nextAttemptAt: Date; reason?: string }>, claimedBy: string, alsoIn: InTransaction = noop): Promise<GrantRecord[]> {
      if (failures.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const changed: GrantRecord[] = [];
        for (const failure of failures) {
          const row = await trx
            .updateTable("jit_grant")
            .set({ close_attempts: sql<number>`close_attempts + 1`, last_error: failure.error, next_attempt_at: failure.nextAttemptAt, retry_reason: failure.reason ?? "failed", claimed_by: null, lease_until: null })
            .where("id", "=", failure.id)
            .where("status", "=", "closing")
            .where("claimed_by", "=", claimedBy)
            .returningAll()
            .executeTakeFirst();
          if (row !== undefined) changed.push(toRecord(row));
        }
        await alsoIn(trx, changed);
        return changed;
      });
    },

    /**
     * For a database only this process may open (PGlite): every lease held by another process id belongs to a
     * process that has stopped, so it ends now.
     */
    async endForeignLeases(claimedBy: string, now: Date): Promise<number> {
      const rows = await db
        .updateTable("jit_grant")
        .set({ lease_until: now })
        .where("claimed_by", "is not", null)
        .where("claimed_by", "!=", claimedBy)
        .where("lease_until", ">", now)
        .returning("id")
        .execute();
      await units.endForeignUnits(claimedBy);
      return rows.length;
    },

    /** Status of each known grant id (the reconciler leaves grants that the expiry job owns alone). */
    async statusOf(ids: readonly string[]): Promise<Map<string, GrantStatusValue>> {
      if (ids.length === 0) return new Map();
      const valid = ids.filter(isUuid);
      if (valid.length === 0) return new Map();
      const rows = await db.selectFrom("jit_grant").select(["id", "status"]).where("id", "in", valid).execute();
      return new Map(rows.map((row) => [row.id, row.status]));
    },
  };
}

export type GrantRepository = ReturnType<typeof createGrantRepository>;
