import type { Logger } from "../lib/logger.ts";
import type { ActivityService } from "./service.ts";

export interface RetentionJob {
  /** Stops the timer and waits for a run under way. */
  stop(): Promise<void>;
}

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Prunes the audit trail by AUDIT_RETENTION_DAYS at start and then once a day (each replica runs it; the chain
 * lock makes concurrent runs queue, and the second finds nothing left to prune). Does nothing without retention.
 */
export function startRetentionJob(service: Pick<ActivityService, "prune">, logger: Logger, intervalMs = dayMs): RetentionJob {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running.then(async () => {
      try {
        const result = await service.prune();
        if (result !== null && result.pruned > 0) logger.info({ pruned: result.pruned, checkpointSeq: result.checkpoint?.seq }, "audit events past retention pruned");
      } catch (error) {
        logger.error({ err: error }, "pruning the audit trail failed; it is tried again at the next run");
      }
    });
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
