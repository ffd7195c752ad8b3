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

  const check = (): void => {
    timer = undefined;
    if (stopped) return;
    deps.probe().then(
      async () => {
        deps.logger.info("Azure Resource Manager answers again; closes that waited on it are due now");
        try {
          await deps.onRecovered();
        } catch (error) {
          deps.logger.error({ err: error }, "waking the closes after ARM recovered failed; they run at their retry time");
        }
      },
      () => {
        if (!stopped) timer = setTimeout(check, deps.everyMs).unref();
      },
    );
  };

  return {
    notice() {
      if (stopped || timer !== undefined) return;
      timer = setTimeout(check, deps.everyMs).unref();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
