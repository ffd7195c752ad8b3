import { OperationTracker } from "./lro/operations.ts";
import type { EstateSaver } from "./persistence.ts";
import { Counters } from "./policy/counters.ts";
import { FaultQueue } from "./policy/faults.ts";
import { WriteRateLimiter } from "./policy/rate-limit.ts";
import type { EstateStore } from "./store/estate-store.ts";
import type { EmulatorConfig, EmulatorLogger, TokenVerdict } from "./types.ts";

/** Everything a request handler may touch, built once per running emulator. */
export interface EmulatorState {
  store: EstateStore;
  config: EmulatorConfig;
  operations: OperationTracker;
  faults: FaultQueue;
  counters: Counters;
  rateLimiter: WriteRateLimiter;
  saver: EstateSaver;
  logger: EmulatorLogger;
  verifyToken: (token: string) => Promise<TokenVerdict>;
}

export function createState(input: Pick<EmulatorState, "store" | "config" | "saver" | "logger" | "verifyToken">): EmulatorState {
  return {
    ...input,
    operations: new OperationTracker(),
    faults: new FaultQueue(),
    counters: new Counters(),
    rateLimiter: new WriteRateLimiter(),
  };
}
