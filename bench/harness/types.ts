import type { Budget } from "../budgets.ts";

/** One number a scenario measured. */
export interface Measurement {
  metric: string;
  value: number;
  unit: string;
  /** The limit it is held to (from bench/budgets.ts); absent for numbers reported for information. */
  budget?: Budget;
}

/** What `latest.json` holds per metric: `budget` is the maximum in `unit` (null: none), `pass` null when there is no budget. */
export interface BenchResult {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  budget: number | null;
  pass: boolean | null;
}

export type SettingValue = string | number | boolean | null;

/** Handed to each scenario's run(). */
export interface ScenarioContext {
  /** `npm run bench -- --large`: the scenarios that have one run their largest size too. */
  large: boolean;
  record(measurement: Measurement): void;
  /** A setting the numbers depend on (emulator latency, request counts, ...), kept in latest.json. */
  setting(name: string, value: SettingValue): void;
  /** Something a reader of the numbers must know (e.g. a metric that cannot be measured yet and why). */
  note(text: string): void;
  /** Progress on stderr, so the table on stdout stays clean. */
  log(message: string): void;
}

export interface Scenario {
  name: string;
  description: string;
  /** The runner stops waiting for the scenario after this long and counts it as crashed. */
  timeoutMs: number;
  run(ctx: ScenarioContext): Promise<void>;
}
