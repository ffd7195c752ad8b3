import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { GrantSchema } from "@portcullis/contract";
import { budgets } from "../budgets.ts";
import { percentile, round } from "../harness/stats.ts";
import type { Scenario } from "../harness/types.ts";
import { repoRoot } from "../harness/paths.ts";
import { demo } from "@portcullis/bff/testing";
import { completeDeviceLogin, startCli, tempConfigDir, until } from "@portcullis/cli/testing";
import { enableSsh, requestSsh, revokeGrant, startJitStack } from "../support/jit-stack.ts";

const run = promisify(execFile);
const warmup = 2;
const samples = 10;
const writeLatencyMs = 500;
const vmId = demo.app01;
const source = "198.51.100.7/32";
const bin = path.join(repoRoot, "apps/cli/bin/portcullis.js");

async function timed(take: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await take();
  return performance.now() - started;
}

export const cliScenario: Scenario = {
  name: "cli",
  description: "`portcullis request` (a new process each time, until the rule is in place) against the same POST /api/requests with fetch",
  timeoutMs: 4 * 60_000,
  async run(ctx) {
    const stack = await startJitStack();
    const configDir = await tempConfigDir();
    try {
      await enableSsh(stack, [vmId]);
      stack.emulator.control.setConfig({ writeLatencyMs });
      const env = { PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}`, HOME: process.env["HOME"], PORTCULLIS_CONFIG_DIR: configDir };
      const login = startCli(["login", "--url", stack.url, "--device-code"], env);
      await completeDeviceLogin(await until(() => (/enter the code/.test(login.stderrSoFar()) ? login.stderrSoFar() : undefined), "the device code"), "admin@contoso.test");
      if ((await login.done).code !== 0) throw new Error("the CLI could not log in");

      const cliRequest = async () => {
        const { stdout } = await run(process.execPath, [bin, "request", vmId, "--port", "22", "--source", source, "--for", "30m", "--json"], { env });
        return GrantSchema.parse(JSON.parse(stdout));
      };
      const processStart = () => run(process.execPath, [bin, "--help"], { env });
      const cliSample = async () => {
        let grant;
        const ms = await timed(async () => (grant = await cliRequest()));
        if (grant !== undefined) await revokeGrant(stack, (grant as { id: string }).id);
        return ms;
      };
      const apiSample = async () => {
        let grant;
        const ms = await timed(async () => (grant = await requestSsh(stack, vmId, source, 30)));
        if (grant !== undefined) await revokeGrant(stack, (grant as { id: string }).id);
        return ms;
      };
      for (let i = 0; i < warmup; i++) {
        await cliSample();
        await apiSample();
        await timed(processStart);
      }
      const cli: number[] = [];
      const api: number[] = [];
      const start: number[] = [];
      // Interleaved so drift in the machine's load hits every series alike.
      for (let i = 0; i < samples; i++) {
        cli.push(await cliSample());
        api.push(await apiSample());
        start.push(await timed(processStart));
      }
      const p50 = (xs: number[]) => percentile(xs, 50);
      ctx.setting("estate", "emulator demo estate, in memory");
      ctx.setting("write latency (ms)", writeLatencyMs);
      ctx.setting("samples per series", samples);
      ctx.setting("VM", "vm-prod-app-01, given by its ARM id (no name lookup)");
      ctx.note("The CLI is a new Node process per request (the repository's TypeScript sources, type-stripped), with its MSAL token cache on disk; `--help` times the process start alone.");
      ctx.record({ metric: "portcullis request p50", value: round(p50(cli)), unit: "ms" });
      ctx.record({ metric: "POST /api/requests (fetch) p50", value: round(p50(api)), unit: "ms" });
      ctx.record({ metric: "portcullis --help (process start) p50", value: round(p50(start)), unit: "ms" });
      ctx.record({ metric: "ratio CLI / API (p50)", value: round(p50(cli) / p50(api), 2), unit: "x" });
      ctx.record({ metric: "ratio CLI minus process start / API (p50)", value: round((p50(cli) - p50(start)) / p50(api), 2), unit: "x", budget: budgets.cliRequestRatio });
    } finally {
      await stack.close();
      await rm(configDir, { recursive: true, force: true });
    }
  },
};
