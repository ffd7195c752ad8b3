export { startEmulator } from "./emulator.ts";
export { demoSubscriptions, demoExpectations } from "./seed/demo.ts";
export type { DemoVmExpectation } from "./seed/demo.ts";
export { generateLargeEstate } from "./seed/large.ts";
export type { LargeEstateSpec } from "./seed/large.ts";
export type {
  EmulatorConfig,
  EmulatorControl,
  EmulatorCounters,
  EmulatorLogger,
  EmulatorOptions,
  EstateSummary,
  FaultAction,
  FaultSpec,
  RunningEmulator,
  SeedSpec,
  TokenVerdict,
} from "./types.ts";
