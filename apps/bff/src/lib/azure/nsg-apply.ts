import { armIdKey, backoffDelay, forEachPooled } from "@portcullis/core";
import type { Nsg, NsgChange, PlanFailure, PlanResult } from "@portcullis/core";
import type { Logger } from "../logger.ts";
import type { ArmClients } from "./clients.ts";
import { nsgWithPlannedRules } from "./nsg-arm-rules.ts";
import { ArmNotFoundError, type NsgState } from "./nsg-read.ts";
import { NsgWriteAttemptError, readNsgOnce, writeNsg, type NsgWriteFailure } from "./nsg-write.ts";

/** An operation on NSGs as pure plans: what to write, and how to undo it (for a rollback). */
export interface NsgPlanSource {
  plan(nsgs: readonly Nsg[]): PlanResult;
  undo(nsgs: readonly Nsg[]): PlanResult;
}

export interface NsgRetrySettings {
  /** First wait after a busy/throttled answer without Retry-After; doubles per attempt. */
  baseDelayMs: number;
  /** Cap of the doubling (a longer Retry-After is still honoured, within the deadline). */
  maxDelayMs: number;
  /** Re-read and re-plan after this many 412s at most. */
  maxPreconditionRetries: number;
  /** A rollback gets at least this long, even past the operation's deadline. */
  rollbackBudgetMs: number;
  /** NSGs written at once. */
  concurrency: number;
  /**
   * The longest wait (Retry-After or backoff) taken inside one operation; a longer one ends the operation with
   * that failure at once, so the caller can come back at the right time instead of holding its work (closes use
   * this: one throttled NSG must not hold up the others). Default: any wait that ends before the deadline.
   */
  maxInlineWaitMs: number;
  /** Reading an NSG to learn whether a write of unknown outcome landed gets at least this long. */
  verifyBudgetMs: number;
}

export const defaultNsgRetrySettings: NsgRetrySettings = {
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxPreconditionRetries: 5,
  rollbackBudgetMs: 60_000,
  concurrency: 4,
  maxInlineWaitMs: Number.POSITIVE_INFINITY,
  verifyBudgetMs: 10_000,
};

const previewBudgetMs = 30_000;

export interface NsgApplyDeps {
  clients: ArmClients;
  logger: Logger;
  retry?: Partial<NsgRetrySettings>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface WrittenNsg {
  nsgId: string;
  nsgName: string;
  /** The change that was written (after any re-plan on a 412). */
  change: NsgChange;
  before: Nsg;
  after: Nsg;
}

export interface AppliedNsgChanges {
  written: WrittenNsg[];
  /** NSGs read and planned that needed no write. */
  unchanged: Nsg[];
}

/** The planner refused the operation (nothing was written). */
export class NsgPlanRefusedError extends Error {
  readonly failure: PlanFailure;
  constructor(failure: PlanFailure) {
    super(failure.message);
    this.name = "NsgPlanRefusedError";
    this.failure = failure;
  }
}

export interface RollbackReport {
  /** NSGs put back. */
  restored: string[];
  /** NSGs that could not be put back (they keep the operation's rules). */
  failed: Array<{ nsgId: string; nsgName: string; code: string; message: string }>;
}

/**
 * One NSG could not be changed for good: reading it (`stage: "read"`, nothing was written) or writing it; the NSGs
 * already written were rolled back as `rollback` says.
 */
export class NsgChangeFailedError extends Error {
  readonly nsgId: string;
  readonly nsgName: string;
  readonly failure: NsgWriteFailure;
  readonly attempts: number;
  readonly rollback: RollbackReport;
  readonly stage: "read" | "write";
  constructor(args: { nsgId: string; nsgName: string; failure: NsgWriteFailure; attempts: number; rollback: RollbackReport; stage?: "read" | "write" }) {
    const stage = args.stage ?? "write";
    super(`${stage === "read" ? "Reading" : "Writing"} NSG ${args.nsgName} failed: ${args.failure.code}: ${args.failure.message}`);
    this.name = "NsgChangeFailedError";
    this.stage = stage;
    ({ nsgId: this.nsgId, nsgName: this.nsgName, failure: this.failure, attempts: this.attempts, rollback: this.rollback } = args);
  }
}

/** Every NSG write succeeded, then `commit` (storing the change) failed; the NSGs were rolled back. */
export class NsgCommitFailedError extends Error {
  readonly rollback: RollbackReport;
  constructor(cause: unknown, rollback: RollbackReport) {
    super(`storing the change failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = "NsgCommitFailedError";
    this.rollback = rollback;
  }
}

interface Failed {
  nsgId: string;
  nsgName: string;
  failure: NsgWriteFailure;
  attempts: number;
  /** The write may have landed (no answer): include it in the rollback. */
  unknownOutcome: boolean;
}

class WriteGaveUp extends Error {
  readonly detail: Failed;
  constructor(detail: Failed) {
    super(detail.failure.message);
    this.detail = detail;
  }
}

/** Any error while changing one NSG, as the failure of that NSG (a re-plan refused after a 412, a read failing...). */
function failedOf(error: unknown, state: NsgState): Failed {
  if (error instanceof WriteGaveUp) return error.detail;
  const base = { nsgId: state.nsg.id, nsgName: state.nsg.name, attempts: 1, unknownOutcome: false };
  if (error instanceof NsgPlanRefusedError) {
    return { ...base, failure: { kind: "rejected", status: null, code: `PlanRefused:${error.failure.reason}`, message: error.failure.message, retryAfterMs: null } };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ...base, failure: { kind: "unreachable", status: null, code: error instanceof Error ? error.name : "Error", message, retryAfterMs: null } };
}

/**
 * Reads NSGs, plans, and writes each changed NSG once (whole NSG, If-Match), retrying 412 (re-read and
 * re-plan), busy and throttled answers (honouring Retry-After) with capped backoff until `deadline`.
 * If one NSG fails for good, or `commit` throws, every NSG already written is rolled back by planning the
 * undo on its new state. The caller holds the NSG locks throughout.
 */
export function createNsgApplier(deps: NsgApplyDeps) {
  const settings = { ...defaultNsgRetrySettings, ...deps.retry };
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /**
   * Reads one NSG for a write, within `deadline`: a busy or throttled answer is waited out (its Retry-After) only
   * when that fits the deadline and the longest inline wait, an unanswered one retried after a backoff likewise;
   * otherwise it fails at once as NsgChangeFailedError (stage "read"), so a close comes back at ARM's time.
   */
  async function readForWrite(nsgId: string, deadline: number): Promise<NsgState> {
    for (let attempts = 1; ; attempts += 1) {
      try {
        if (now() >= deadline) throw new NsgWriteAttemptError({ kind: "unreachable", status: null, code: "DeadlineExceeded", message: "the operation's deadline passed before the read", retryAfterMs: null, unknownOutcome: false });
        return await readNsgOnce(deps.clients, nsgId, until(deadline));
      } catch (error) {
        if (!(error instanceof NsgWriteAttemptError)) throw error;
        const { failure } = error;
        const retryable = failure.kind === "busy" || failure.kind === "throttled" || (failure.kind === "unreachable" && failure.code !== "DeadlineExceeded" && attempts < 3);
        const wait = Math.max(failure.retryAfterMs ?? 0, backoff(attempts));
        if (retryable && wait <= settings.maxInlineWaitMs && now() + wait < deadline) {
          await sleep(wait);
          continue;
        }
        const name = nsgId.split("/").pop() ?? nsgId;
        throw new NsgChangeFailedError({ nsgId, nsgName: name, failure, attempts, rollback: { restored: [], failed: [] }, stage: "read" });
      }
    }
  }

  /** Required NSGs must exist; optional ones (an old position) are skipped when gone. */
  async function readAll(required: readonly string[], optional: readonly string[], deadline: number): Promise<Map<string, NsgState>> {
    const states = new Map<string, NsgState>();
    const wanted = new Map<string, { id: string; required: boolean }>();
    for (const id of optional) wanted.set(armIdKey(id), { id, required: false });
    for (const id of required) wanted.set(armIdKey(id), { id, required: true });
    await forEachPooled(
      [...wanted.values()],
      8,
      async ({ id, required: must }) => {
        try {
          const state = await readForWrite(id, deadline);
          states.set(armIdKey(id), state);
        } catch (error) {
          if (!(error instanceof ArmNotFoundError) || must) throw error;
        }
      },
      () => false,
    );
    return states;
  }

  function planFor(states: ReadonlyMap<string, NsgState>, make: (nsgs: readonly Nsg[]) => PlanResult, key: string): NsgChange | null {
    const result = make([...states.values()].map((s) => s.nsg));
    if (!result.ok) throw new NsgPlanRefusedError(result);
    return result.changes.find((change) => armIdKey(change.nsgId) === key) ?? null;
  }

  function backoff(attempt: number): number {
    return backoffDelay(attempt, { baseMs: settings.baseDelayMs, maxMs: settings.maxDelayMs, jitter: 0.2 });
  }

  /** A signal that fires at `deadline` (at once when it has passed): every ARM call is bounded by it. */
  function until(deadline: number): AbortSignal {
    return AbortSignal.timeout(Math.max(1, deadline - now()));
  }

  /**
   * A write whose outcome is unknown (no answer, a poll that failed, our deadline): read the NSG and decide from
   * what it holds. True when it already holds the planned change (the write landed), false when it does not (so
   * writing again is safe); throws when even the read fails.
   */
  async function landed(states: Map<string, NsgState>, key: string, make: (nsgs: readonly Nsg[]) => PlanResult, nsgId: string, deadline: number): Promise<boolean | "undecided"> {
    const fresh = await readForWrite(nsgId, Math.max(deadline, now() + settings.verifyBudgetMs));
    states.set(key, fresh);
    if (planFor(states, make, key) === null) return true;
    // An operation still running on the NSG may be ours: writing again now could race it, so ask again later.
    return fresh.arm.provisioningState === "Updating" ? "undecided" : false;
  }

  /** Writes one NSG until it holds what `make` plans for it; null when it already does. */
  async function writeOne(
    states: Map<string, NsgState>,
    key: string,
    make: (nsgs: readonly Nsg[]) => PlanResult,
    deadline: number,
  ): Promise<{ change: NsgChange; before: Nsg; after: NsgState } | null> {
    let attempts = 0;
    let preconditions = 0;
    // Once a write may still be running in ARM, it may land after any later read: giving up says so (the caller
    // rolls back or leaves the rule to the expiry job and the reconciler), whatever the last attempt's failure was.
    let uncertain = false;
    let lastChange: NsgChange | null = null;
    const before = (states.get(key) as NsgState).nsg;
    for (;;) {
      const current = states.get(key) as NsgState;
      const change = planFor(states, make, key);
      // Nothing (left) to write: after an earlier write of unknown outcome that means it landed, and it counts.
      if (change === null) return uncertain && lastChange !== null ? { change: lastChange, before, after: current } : null;
      lastChange = change;
      attempts += 1;
      try {
        if (now() >= deadline) throw new NsgWriteAttemptError({ kind: "unreachable", status: null, code: "DeadlineExceeded", message: "the operation's deadline passed before the write", retryAfterMs: null, unknownOutcome: false });
        const after = await writeNsg(deps.clients, current.nsg.id, nsgWithPlannedRules(current.arm, change), current.etag, { signal: until(deadline) });
        states.set(key, after);
        return { change, before: current.nsg, after };
      } catch (error) {
        if (!(error instanceof NsgWriteAttemptError)) throw error;
        const { failure } = error;
        // An answered 5xx was verified by reading; an operation ARM accepted (or a PUT never answered) may land later.
        if (failure.mayStillLand === true) uncertain = true;
        const giveUp = (unknownOutcome = false) => {
          const unknown = unknownOutcome || uncertain;
          return new WriteGaveUp({ nsgId: current.nsg.id, nsgName: current.nsg.name, failure: { ...failure, unknownOutcome: unknown }, attempts, unknownOutcome: unknown });
        };
        deps.logger.warn({ nsgId: current.nsg.id, attempt: attempts, kind: failure.kind, code: failure.code, unknownOutcome: failure.unknownOutcome === true }, "NSG write attempt failed");
        if (failure.unknownOutcome === true) {
          // Decided from the NSG itself: a rule that is there was written, and one that is not can be written again.
          let wrote: boolean | "undecided";
          try {
            wrote = await landed(states, key, make, current.nsg.id, deadline);
            // ARM still works on the NSG (perhaps our write): look again after a backoff, while time remains.
            for (let looks = 1; wrote === "undecided"; looks += 1) {
              const wait = backoff(looks);
              if (wait > settings.maxInlineWaitMs || now() + wait >= deadline) throw giveUp(true);
              await sleep(wait);
              wrote = await landed(states, key, make, current.nsg.id, deadline);
            }
          } catch {
            throw giveUp(true);
          }
          if (wrote) {
            const after = states.get(key) as NsgState;
            deps.logger.info({ nsgId: current.nsg.id, code: failure.code }, "an NSG write of unknown outcome had landed");
            return { change, before, after };
          }
          // It did not land: writing again is safe, after a backoff (ARM may be struggling).
          const wait = backoff(attempts);
          if (wait <= settings.maxInlineWaitMs && now() + wait < deadline) {
            await sleep(wait);
            continue;
          }
          throw giveUp(false);
        }
        if (failure.kind === "precondition" && preconditions < settings.maxPreconditionRetries) {
          preconditions += 1;
          try {
            states.set(key, await readForWrite(current.nsg.id, deadline));
          } catch (readError) {
            if (!uncertain) throw readError;
            throw giveUp(true);
          }
          continue;
        }
        if (failure.kind === "busy" || failure.kind === "throttled") {
          const wait = Math.max(failure.retryAfterMs ?? 0, backoff(attempts));
          if (wait <= settings.maxInlineWaitMs && now() + wait < deadline) {
            await sleep(wait);
            continue;
          }
        }
        throw giveUp(false);
      }
    }
  }

  async function rollback(states: Map<string, NsgState>, keys: readonly string[], source: NsgPlanSource, deadline: number): Promise<RollbackReport> {
    const report: RollbackReport = { restored: [], failed: [] };
    const by = Math.max(deadline, now() + settings.rollbackBudgetMs);
    for (const key of keys) {
      const known = states.get(key) as NsgState;
      try {
        states.set(key, await readForWrite(known.nsg.id, by));
        // Only an NSG the undo had to write counts as put back (a write that never landed left nothing to undo).
        if ((await writeOne(states, key, (nsgs) => source.undo(nsgs), by)) !== null) report.restored.push(known.nsg.id);
      } catch (error) {
        const failure = error instanceof WriteGaveUp ? error.detail.failure : null;
        const entry = {
          nsgId: known.nsg.id,
          nsgName: known.nsg.name,
          code: failure?.code ?? (error instanceof Error ? error.name : "Error"),
          message: failure?.message ?? (error instanceof Error ? error.message : String(error)),
        };
        report.failed.push(entry);
        deps.logger.error({ ...entry }, "rolling an NSG back failed; it keeps the failed operation's rules");
      }
    }
    return report;
  }

  return {
    /** Reads the NSGs and plans, without writing (a preview). */
    async preview(required: readonly string[], optional: readonly string[], source: NsgPlanSource): Promise<{ changes: NsgChange[]; unchanged: string[] }> {
      // A preview waits for ARM no longer than a request answers.
      const states = await readAll(required, optional, now() + previewBudgetMs);
      const result = source.plan([...states.values()].map((s) => s.nsg));
      if (!result.ok) throw new NsgPlanRefusedError(result);
      return { changes: result.changes, unchanged: result.unchanged };
    },

    async apply(input: {
      required: readonly string[];
      optional: readonly string[];
      source: NsgPlanSource;
      deadline: number;
      commit?: (applied: AppliedNsgChanges) => Promise<void>;
    }): Promise<AppliedNsgChanges> {
      const { source, deadline } = input;
      const states = await readAll(input.required, input.optional, deadline);
      const initial = source.plan([...states.values()].map((s) => s.nsg));
      if (!initial.ok) throw new NsgPlanRefusedError(initial);
      const written: WrittenNsg[] = [];
      const unchanged: Nsg[] = initial.unchanged.flatMap((id) => states.get(armIdKey(id))?.nsg ?? []);
      const touched: string[] = [];
      let failed: Failed | undefined;
      await forEachPooled(
        initial.changes.map((change) => armIdKey(change.nsgId)),
        settings.concurrency,
        async (key) => {
          try {
            const outcome = await writeOne(states, key, (nsgs) => source.plan(nsgs), deadline);
            const state = states.get(key) as NsgState;
            if (outcome === null) unchanged.push(state.nsg);
            else {
              touched.push(key);
              written.push({ nsgId: state.nsg.id, nsgName: state.nsg.name, change: outcome.change, before: outcome.before, after: outcome.after.nsg });
            }
          } catch (error) {
            const detail = failedOf(error, states.get(key) as NsgState);
            failed ??= detail;
            if (detail.unknownOutcome) touched.push(key);
          }
        },
        () => failed !== undefined,
      );
      if (failed !== undefined) {
        const report = await rollback(states, touched, source, deadline);
        throw new NsgChangeFailedError({ ...failed, rollback: report });
      }
      const applied = { written, unchanged };
      if (input.commit !== undefined) {
        try {
          await input.commit(applied);
        } catch (error) {
          const report = await rollback(states, touched, source, deadline);
          deps.logger.error({ err: error, rollback: report }, "storing the change failed after the NSG writes; the NSGs were rolled back");
          throw new NsgCommitFailedError(error, report);
        }
      }
      return applied;
    },
  };
}

export type NsgApplier = ReturnType<typeof createNsgApplier>;
