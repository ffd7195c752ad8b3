import type { Logger } from "../lib/logger.ts";
import { systemTimer, type Timer } from "../lib/time/clock.ts";
import type { ActivityService } from "./service.ts";

export interface AnchorJob {
  /** Stops the timer, waits for a run under way, then anchors the head one last time (events of the shutdown). */
  stop(): Promise<void>;
}

export interface AnchorJobOptions {
  /** AUDIT_ANCHOR_INTERVAL_SECONDS in milliseconds. */
  everyMs: number;
  /** How the job waits between runs; tests drive it by hand. */
  timer?: Timer;
}

/**
 * Anchors the audit chain's head at start, every `everyMs` while events are appended (a run with nothing new
 * writes nothing), and at shutdown. The start-up anchor is awaited and its failure stops start-up: it pins the
 * unkeyed events of an upgraded trail, and an AUDIT_ANCHOR_FILE that cannot be written should be found at once.
 * Each replica runs it; the chain lock orders them, and a replica finding the head anchored writes nothing.
 */
export async function startAnchorJob(service: Pick<ActivityService, "anchor">, logger: Logger, options: AnchorJobOptions): Promise<AnchorJob> {
  const timer = options.timer ?? systemTimer;
  const run = async () => {
    const anchor = await service.anchor();
    if (anchor !== null) logger.debug({ seq: anchor.seq, count: anchor.count }, "audit chain anchored");
  };
  await run();
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let pending: { cancel(): void } | null = null;
  const tick = () => {
    pending = null;
    running = run()
      .catch((error: unknown) => logger.error({ err: error }, "anchoring the audit chain failed; it is tried again at the next interval"))
      .then(() => {
        if (!stopped) pending = timer.schedule(tick, options.everyMs);
      });
  };
  pending = timer.schedule(tick, options.everyMs);
  return {
    async stop() {
      stopped = true;
      pending?.cancel();
      await running;
      try {
        await run();
      } catch (error) {
        logger.error({ err: error }, "anchoring the audit chain at shutdown failed: events since the last anchor are not anchored");
      }
    },
  };
}
