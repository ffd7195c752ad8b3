import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { MachineInfo } from "./machine.ts";
import type { RunOutcome } from "./runner.ts";
import type { BenchResult } from "./types.ts";

const headers = ["scenario", "metric", "value", "unit", "budget", "pass"] as const;

function cells(r: BenchResult): string[] {
  return [r.scenario, r.metric, String(r.value), r.unit, r.budget === null ? "-" : `<= ${r.budget}`, r.pass === null ? "-" : r.pass ? "pass" : "FAIL"];
}

/** A Markdown table (readable in a terminal and pasteable into the README as is). */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map(cells);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (values: readonly string[]) => `| ${values.map((v, i) => (i === 2 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 2 ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/** The lines that must not be missed: budgets over and scenarios that crashed. */
export function formatProblems(outcome: RunOutcome): string[] {
  const lines: string[] = [];
  for (const r of outcome.results) {
    if (r.pass === false) lines.push(`OVER BUDGET: ${r.scenario} / ${r.metric} = ${r.value} ${r.unit} (budget <= ${r.budget} ${r.unit})`);
  }
  for (const s of outcome.scenarios) {
    if (s.status === "crashed") lines.push(`CRASHED: ${s.name}: ${(s.error ?? "").split("\n")[0]}`);
  }
  return lines;
}

export interface ResultsFile {
  machine: MachineInfo;
  command: string;
  scenarios: RunOutcome["scenarios"];
  results: BenchResult[];
}

export async function writeResults(file: string, machine: MachineInfo, command: string, outcome: RunOutcome): Promise<void> {
  const body: ResultsFile = { machine, command, scenarios: outcome.scenarios, results: outcome.results };
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
}
