import { expect, it } from "vitest";
import { formatProblems } from "./report.ts";
import { runScenarios } from "./runner.ts";
import type { Scenario } from "./types.ts";

const budget = { max: 100, unit: "ms", why: "test" };
const quiet = () => undefined;

function scenario(name: string, run: Scenario["run"], timeoutMs = 5_000): Scenario {
  return { name, description: name, timeoutMs, run };
}

it("a missed budget is recorded as a failed pass, a measurement without budget has none", async () => {
  const outcome = await runScenarios(
    [
      scenario("s", async (ctx) => {
        ctx.record({ metric: "fast", value: 99, unit: "ms", budget });
        ctx.record({ metric: "slow", value: 101, unit: "ms", budget });
        ctx.record({ metric: "info", value: 7, unit: "files" });
      }),
    ],
    quiet,
  );
  expect(outcome.results.map((r) => [r.metric, r.budget, r.pass])).toEqual([
    ["fast", 100, true],
    ["slow", 100, false],
    ["info", null, null],
  ]);
  expect(formatProblems(outcome)).toEqual(["OVER BUDGET: s / slow = 101 ms (budget <= 100 ms)"]);
});

it("a scenario that throws or overruns its time is marked crashed, and the next one still runs", async () => {
  const outcome = await runScenarios(
    [
      scenario("throws", async () => {
        throw new Error("emulator did not start");
      }),
      scenario("hangs", () => new Promise(() => undefined), 20),
      scenario("fine", async (ctx) => ctx.setting("runs", 3)),
    ],
    quiet,
  );
  expect(outcome.scenarios.map((s) => [s.name, s.status])).toEqual([
    ["throws", "crashed"],
    ["hangs", "crashed"],
    ["fine", "ok"],
  ]);
  expect(outcome.scenarios[1]?.error).toContain("did not finish");
  expect(outcome.scenarios[2]?.settings).toEqual({ runs: 3 });
  expect(formatProblems(outcome)).toEqual(["CRASHED: throws: Error: emulator did not start", "CRASHED: hangs: Error: scenario hangs did not finish within 0.02 s"]);
});

it("a measurement in another unit than its budget is a crash, not a silent comparison", async () => {
  const outcome = await runScenarios([scenario("units", async (ctx) => ctx.record({ metric: "m", value: 1, unit: "s", budget }))], quiet);
  expect(outcome.scenarios[0]?.status).toBe("crashed");
  expect(outcome.results).toEqual([]);
});
