import type { Logger } from "../logger.ts";

/**
 * While ARM is failing, a cheap probe (the readiness probe's: one page of subscriptions) every `everyMs` notices the
 * moment it answers again, and `onRecovered` wakes the closes that waited on it, instead of each waiting out its
 * own back-off after the outage has ended.
 */
export interface RecoveryWatch {
  /** ARM just failed to answer: start watching for recovery (once; later calls while watching do nothing). */
  notice(): void;
  stop(): void;
}

export function createRecoveryWatch(deps: { probe(): Promise<void>; onRecovered(): Promise<void>; everyMs: number; logger: Logger }): RecoveryWatch {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // Set for the whole watch, probes included: one loop at a time however often ARM fails meanwhile.
  let watching = false;

  const check = (): void => {
    timer = undefined;
    if (stopped) {
      watching = false;
      return;
    }
    deps.probe().then(
      async () => {
        watching = false;
        deps.logger.info("Azure Resource Manager answers again; closes that waited on it are due now");
        try {
          await deps.onRecovered();
        } catch (error) {
          deps.logger.error({ err: error }, "waking the closes after ARM recovered failed; they run at their retry time");
        }
      },
      () => {
        if (stopped) watching = false;
        else timer = setTimeout(check, deps.everyMs).unref();
      },
    );
  };

  return {
    notice() {
      if (stopped || watching) return;
      watching = true;
      timer = setTimeout(check, deps.everyMs).unref();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
