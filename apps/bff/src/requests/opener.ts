import { armIdKey } from "@portcullis/core";
import type { Grant } from "@portcullis/core";
import { createCoalescer } from "./coalescer.ts";
import { concernsOneItem } from "./errors.ts";
import type { GrantRecord } from "./grant-record.ts";
import type { GrantWriter } from "./grant-writer.ts";

/** One grant to open: its planner grant, the grants it supersedes, and the NSGs in front of its VM now. */
export interface OpenJob {
  record: GrantRecord;
  grant: Grant;
  superseded: Grant[];
  nsgIds: string[];
  /** Epoch ms: the request's ARM deadline. */
  deadline: number;
}

export type OpenOutcome = { ok: true } | { ok: false; error: unknown };

export interface OpenerDeps {
  writer: GrantWriter;
  /** Stores that the jobs opened (in the same step as the writes: a failure rolls them back). */
  commit(jobs: readonly OpenJob[]): Promise<void>;
  /** How long a request waits for others to the same NSGs before the batch is written; default 5 ms. */
  windowMs?: number;
}

/**
 * Opens grants in batches: requests for VMs behind the same NSGs that arrive within a few milliseconds, or
 * while a write to those NSGs is under way, are planned together and written once per NSG. A batch the
 * planner refuses (one bad grant spoils the plan) is retried grant by grant, so one request never fails
 * another.
 */
export function createOpener(deps: OpenerDeps) {
  async function run(jobs: OpenJob[]): Promise<OpenOutcome[]> {
    const nsgIds = [...new Map(jobs.flatMap((job) => job.nsgIds).map((id) => [armIdKey(id), id])).values()];
    const deadline = Math.min(...jobs.map((job) => job.deadline));
    try {
      await deps.writer.open(
        jobs.map((job) => job.grant),
        jobs.flatMap((job) => job.superseded),
        nsgIds,
        deadline,
        () => deps.commit(jobs),
      );
      return jobs.map(() => ({ ok: true }));
    } catch (error) {
      if (jobs.length > 1 && concernsOneItem(error)) {
        const outcomes: OpenOutcome[] = [];
        for (const job of jobs) outcomes.push(...(await run([job])));
        return outcomes;
      }
      return jobs.map(() => ({ ok: false, error }));
    }
  }

  const coalescer = createCoalescer<OpenJob, OpenOutcome>({ windowMs: deps.windowMs ?? 5, keysOf: (job) => job.nsgIds.map(armIdKey), run });
  return { open: (job: OpenJob) => coalescer.submit(job) };
}

export type Opener = ReturnType<typeof createOpener>;
