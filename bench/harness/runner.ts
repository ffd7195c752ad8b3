import type { BenchResult, Scenario, ScenarioContext, SettingValue } from "./types.ts";

export interface ScenarioOutcome {
  name: string;
  description: string;
  status: "ok" | "crashed";
  durationMs: number;
  settings: Record<string, SettingValue>;
  notes: string[];
  /** Why it crashed (message and stack); absent when it ran through. */
  error?: string;
}

export interface RunOutcome {
  scenarios: ScenarioOutcome[];
  results: BenchResult[];
}

class ScenarioTimeout extends Error {
  constructor(name: string, ms: number) {
    super(`scenario ${name} did not finish within ${ms / 1000} s`);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScenarioTimeout(name, ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Runs the scenarios one after another (they would disturb each other's timings), collecting what each measured. */
export async function runScenarios(scenarios: readonly Scenario[], log: (message: string) => void, options: { large?: boolean } = {}): Promise<RunOutcome> {
  const outcomes: ScenarioOutcome[] = [];
  const results: BenchResult[] = [];
  for (const scenario of scenarios) {
    const settings: Record<string, SettingValue> = {};
    const notes: string[] = [];
    const ctx: ScenarioContext = {
      large: options.large ?? false,
      record(m) {
        const budget = m.budget;
        if (budget !== undefined && budget.unit !== m.unit) {
          throw new Error(`${scenario.name} / ${m.metric}: measured in ${m.unit} but its budget is in ${budget.unit}`);
        }
        results.push({
          scenario: scenario.name,
          metric: m.metric,
          value: m.value,
          unit: m.unit,
          budget: budget?.max ?? null,
          pass: budget === undefined ? null : m.value <= budget.max,
        });
      },
      setting(name, value) {
        settings[name] = value;
      },
      note(text) {
        notes.push(text);
      },
      log: (message) => log(`[${scenario.name}] ${message}`),
    };
    log(`[${scenario.name}] ${scenario.description}`);
    const started = performance.now();
    let error: string | undefined;
    try {
      await withTimeout(scenario.run(ctx), scenario.timeoutMs, scenario.name);
    } catch (caught) {
      error = describeError(caught);
      log(`[${scenario.name}] CRASHED: ${error}`);
    }
    const durationMs = Math.round(performance.now() - started);
    log(`[${scenario.name}] done in ${(durationMs / 1000).toFixed(1)} s`);
    outcomes.push({
      name: scenario.name,
      description: scenario.description,
      status: error === undefined ? "ok" : "crashed",
      durationMs,
      settings,
      notes,
      ...(error === undefined ? {} : { error }),
    });
  }
  return { scenarios: outcomes, results };
}
