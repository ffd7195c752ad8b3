import { ArmError } from "../arm/errors.ts";
import { seedEstate } from "../seed/index.ts";
import type { EmulatorState } from "../state.ts";
import type { EmulatorConfig, EmulatorControl, FaultSpec, SeedSpec } from "../types.ts";
import { configPatchSchema, faultSpecSchema, seedSpecSchema } from "./schemas.ts";
import type { z } from "zod";

/** Parses control input; invalid input is a 400 with the same error body shape as ARM's. */
export function parseControlInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const reasons = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ArmError(400, "InvalidControlRequest", `Invalid ${what}: ${reasons}.`, {
      details: result.error.issues.map((i) => ({ code: i.code, message: i.message, target: i.path.join(".") })),
    });
  }
  return result.data;
}

/** The control operations, shared by the in-process API and the /_emulator/ endpoint. */
export function createControl(state: EmulatorState): EmulatorControl {
  return {
    reset(seed: SeedSpec = { kind: "demo" }): void {
      const spec = parseControlInput(seedSpecSchema, seed, "seed");
      state.operations.clear();
      state.store.load(seedEstate(spec));
      state.faults.clear();
      state.counters.reset();
      state.rateLimiter.reset();
      state.saver.schedule();
    },
    getConfig(): EmulatorConfig {
      return { ...state.config };
    },
    setConfig(patch: Partial<EmulatorConfig>): EmulatorConfig {
      const valid = parseControlInput(configPatchSchema, patch, "configuration");
      state.config = { ...state.config, ...valid };
      return { ...state.config };
    },
    addFault(fault: FaultSpec): void {
      state.faults.add(parseControlInput(faultSpecSchema, fault, "fault"));
    },
    clearFaults(): void {
      state.faults.clear();
    },
    counters() {
      return state.counters.snapshot();
    },
    resetCounters(): void {
      state.counters.reset();
    },
    estateSummary() {
      return { ...state.store.summary(), operationsInProgress: state.operations.inProgressCount() };
    },
  };
}
