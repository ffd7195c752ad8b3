import type { Grant, Nsg } from "@portcullis/core";
import { createNsgApplier, type AppliedNsgChanges, type NsgRetrySettings } from "../lib/azure/nsg-apply.ts";
import type { ArmClients } from "../lib/azure/clients.ts";
import type { NsgLockManager } from "../lib/locks/nsg-locks.ts";
import type { Logger } from "../lib/logger.ts";
import { closeSource, extendSource, openSource } from "./grant-plans.ts";

export interface GrantWriterDeps {
  arm: ArmClients;
  locks: NsgLockManager;
  logger: Logger;
  retry?: Partial<NsgRetrySettings>;
  /** Told about NSGs as ARM holds them after a write (the inventory's cached copy). */
  nsgsChanged?(nsgs: readonly Nsg[]): Promise<void>;
}

/**
 * The longest wait a close takes inside its own call: a throttled or busy NSG whose Retry-After is longer ends the
 * close of that NSG at once, and the grants in it are retried at the time ARM gave, so they never hold up others.
 */
export const closeInlineWaitMs = 1_000;

/**
 * Writes grants' Allow rules: one whole-NSG write per NSG per operation, under the NSG locks, with the same
 * retries and rollback as policies (lib/azure/nsg-apply.ts).
 */
export function createGrantWriter(deps: GrantWriterDeps) {
  const applier = createNsgApplier({ clients: deps.arm, logger: deps.logger, ...(deps.retry === undefined ? {} : { retry: deps.retry }) });
  const closeApplier = createNsgApplier({ clients: deps.arm, logger: deps.logger, retry: { ...deps.retry, maxInlineWaitMs: Math.min(closeInlineWaitMs, deps.retry?.maxInlineWaitMs ?? closeInlineWaitMs) } });

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
      closeApplier.apply({ required: [], optional: [nsgId], source: closeSource(grantIds), deadline }),
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
     * Removes these grants' Allow rules from one NSG in one write (nothing to write when they are gone already),
     * on its own: it never waits for another NSG, and a long Retry-After fails it at once (closeInlineWaitMs).
     */
    closeOnNsg,

    /** Rewrites a grant's Allow rules with its new end (and the old end back on a rollback). */
    async extend(extended: Grant, previous: Grant, nsgIds: readonly string[], deadline: number, commit: (applied: AppliedNsgChanges) => Promise<void>): Promise<AppliedNsgChanges> {
      const applied = await underLocks(nsgIds, deadline, () => applier.apply({ required: nsgIds, optional: [], source: extendSource(extended, previous), deadline, commit }));
      await written(applied);
      return applied;
    },
  };
}

export type GrantWriter = ReturnType<typeof createGrantWriter>;
