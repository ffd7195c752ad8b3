// `npm run bench [-- [--large] <scenario> ...]`: runs the scenarios, prints a table, writes bench/results/latest.json.
// Exit 0 even when a budget is missed (benchmarks are not tests); 1 when a scenario crashed; 2 on a wrong name.
import path from "node:path";
import { describeMachine } from "./harness/machine.ts";
import { repoRoot as root, resultsFile } from "./harness/paths.ts";
import { formatProblems, formatTable, writeResults } from "./harness/report.ts";
import { runScenarios } from "./harness/runner.ts";
import { scenarios } from "./scenarios/index.ts";

const log = (message: string) => console.error(message);

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const large = args.includes("--large");
  const names = args.filter((arg) => arg !== "--large");
  const unknown = names.filter((name) => !scenarios.some((s) => s.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown scenario: ${unknown.join(", ")}. Scenarios: ${scenarios.map((s) => s.name).join(", ")}`);
    return 2;
  }
  const selected = names.length === 0 ? scenarios : scenarios.filter((s) => names.includes(s.name));
  const machine = describeMachine(root);
  log(`bench: ${selected.map((s) => s.name).join(", ")} on ${machine.cpuModel} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.nodeVersion}`);
  const outcome = await runScenarios(selected, log, { large });
  const command = ["npm run bench", ...(args.length > 0 ? ["--", ...args] : [])].join(" ");
  await writeResults(resultsFile, machine, command, outcome);

  console.log(formatTable(outcome.results));
  for (const s of outcome.scenarios) for (const note of s.notes) console.log(`note (${s.name}): ${note}`);
  const problems = formatProblems(outcome);
  for (const line of problems) console.log(line);
  const overBudget = outcome.results.filter((r) => r.pass === false).length;
  const budgeted = outcome.results.filter((r) => r.pass !== null).length;
  console.log(`${budgeted - overBudget}/${budgeted} budgets met; results in ${path.relative(root, resultsFile)}`);
  return outcome.scenarios.some((s) => s.status === "crashed") ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("bench failed:", error);
    process.exit(1);
  },
);
