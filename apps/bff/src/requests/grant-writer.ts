import { armIdKey } from "@portcullis/core";
import type { Grant, Nsg } from "@portcullis/core";
import { createNsgApplier, type AppliedNsgChanges, type NsgRetrySettings } from "../lib/azure/nsg-apply.ts";
import type { ArmClients } from "../lib/azure/clients.ts";
import type { NsgLockManager } from "../lib/locks/nsg-locks.ts";
import type { Logger } from "../lib/logger.ts";
import { closeSource, extendSource, openSource } from "./grant-plans.ts";
import type { GrantRecord } from "./grant-record.ts";

export interface GrantWriterDeps {
  arm: ArmClients;
  locks: NsgLockManager;
  logger: Logger;
  retry?: Partial<NsgRetrySettings>;
  /** Told about NSGs as ARM holds them after a write (the inventory's cached copy). */
  nsgsChanged?(nsgs: readonly Nsg[]): Promise<void>;
}

/** How closing grants went: which closed, and why the others did not (per grant). */
export interface CloseOutcome {
  closed: string[];
  failed: Map<string, unknown>;
}

/**
 * NSGs closed at once. Closing is latency-bound (a read, a write and its long-running operation per NSG), so a
 * thousand grants over a hundred NSGs ending together need this many in flight to close within a couple of
 * seconds; ARM's 429s are retried per NSG with its Retry-After.
 */
const closeConcurrency = 8;

/**
 * Writes grants' Allow rules: one whole-NSG write per NSG per operation, under the NSG locks, with the same
 * retries and rollback as policies (lib/azure/nsg-apply.ts).
 */
export function createGrantWriter(deps: GrantWriterDeps) {
  const applier = createNsgApplier({ clients: deps.arm, logger: deps.logger, ...(deps.retry === undefined ? {} : { retry: deps.retry }) });

  async function underLocks<T>(nsgIds: readonly string[], deadline: number, work: () => Promise<T>): Promise<T> {
    const session = await deps.locks.open();
    try {
      await session.lockNsgs(nsgIds, deadline);
      return await work();
    } finally {
      await session.release();
    }
  }

  async function written(applied: AppliedNsgChanges): Promise<void> {
    if (deps.nsgsChanged === undefined || applied.written.length === 0) return;
    try {
      await deps.nsgsChanged(applied.written.map((w) => w.after));
    } catch (error) {
      deps.logger.warn({ err: error }, "the inventory could not take the NSGs written for a grant; it catches up at its next refresh");
    }
  }

  async function closeOnNsg(nsgId: string, grantIds: readonly string[], deadline: number): Promise<void> {
    const applied = await underLocks([nsgId], deadline, () =>
      // Optional: an NSG deleted since holds no rule of ours any more.
      applier.apply({ required: [], optional: [nsgId], source: closeSource(grantIds), deadline }),
    );
    await written(applied);
  }

  return {
    /**
     * Opens `grants` (they share the NSGs in `nsgIds`, all read and written once) and removes the rules of
     * `superseded` in the same writes; `commit` stores the outcome (a failure there rolls the writes back).
     */
    async open(grants: readonly Grant[], superseded: readonly Grant[], nsgIds: readonly string[], deadline: number, commit: (applied: AppliedNsgChanges) => Promise<void>): Promise<AppliedNsgChanges> {
      const applied = await underLocks(nsgIds, deadline, () => applier.apply({ required: nsgIds, optional: [], source: openSource(grants, superseded), deadline, commit }));
      await written(applied);
      return applied;
    },

    /**
     * Removes the grants' Allow rules, NSG by NSG (each NSG written once for all the grants in it, and on its own:
     * a failure on one NSG neither rolls back nor holds up the others). A grant is closed when every NSG it was
     * written to is clean.
     */
    async close(records: readonly GrantRecord[], deadline: number): Promise<CloseOutcome> {
      const byNsg = new Map<string, { nsgId: string; grantIds: string[] }>();
      for (const record of records) {
        for (const nsgId of record.nsgIds) {
          const entry = byNsg.get(armIdKey(nsgId)) ?? { nsgId, grantIds: [] };
          entry.grantIds.push(record.id);
          byNsg.set(armIdKey(nsgId), entry);
        }
      }
      const failedNsgs = new Map<string, unknown>();
      const entries = [...byNsg.entries()];
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(closeConcurrency, entries.length) }, async () => {
          while (next < entries.length) {
            const [key, entry] = entries[next++] as [string, { nsgId: string; grantIds: string[] }];
            try {
              await closeOnNsg(entry.nsgId, entry.grantIds, deadline);
            } catch (error) {
              failedNsgs.set(key, error);
            }
          }
        }),
      );
      const outcome: CloseOutcome = { closed: [], failed: new Map() };
      for (const record of records) {
        const failure = record.nsgIds.map((id) => failedNsgs.get(armIdKey(id))).find((error) => error !== undefined);
        if (failure === undefined) outcome.closed.push(record.id);
        else outcome.failed.set(record.id, failure);
      }
      return outcome;
    },

    /** Rewrites a grant's Allow rules with its new end (and the old end back on a rollback). */
    async extend(extended: Grant, previous: Grant, nsgIds: readonly string[], deadline: number, commit: (applied: AppliedNsgChanges) => Promise<void>): Promise<AppliedNsgChanges> {
      const applied = await underLocks(nsgIds, deadline, () => applier.apply({ required: nsgIds, optional: [], source: extendSource(extended, previous), deadline, commit }));
      await written(applied);
      return applied;
    },
  };
}

export type GrantWriter = ReturnType<typeof createGrantWriter>;
