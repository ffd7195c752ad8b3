import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { demoPassword, demoUsers, type DemoUser } from "@portcullis/local-issuer";
import type { BrowserContext, Page } from "playwright";
import { budgets } from "../budgets.ts";
import { repoRoot } from "../harness/paths.ts";
import { max, percentile, round } from "../harness/stats.ts";
import type { Scenario, ScenarioContext } from "../harness/types.ts";
import { chromiumArgs, debianChromium, installScreenMarker, launchChromium, signInThroughIssuer, timeNavigation, type ScreenMarker } from "../support/browser.ts";
import { adminToken, adminUser, largeEstate, startBenchBff, startLargeEmulator } from "../support/large-stack.ts";
import { enableJitOnRecommended } from "../support/policies.ts";
import { buildPortal, measureInitialJs } from "../support/portal-build.ts";

const warmupLoads = 2;
const measuredLoads = 7;
const loadTimeoutMs = 30_000;
/** The first load after sign-in waits for the whole ARM read. */
const firstLoadTimeoutMs = 120_000;
/** All 10,000 VMs start without a policy, so Configured is empty until some are enabled. */
const policiesEnabled = 300;
const kb = 1024;

/** A VM row of a tab's table (skeleton rows hold no VM name). */
const recommendedRow: ScreenMarker = { id: "recommendedRow", selector: 'table[aria-label="Recommended VMs"] tbody tr', text: /vm-s\d+-\d+/ };
const configuredRow: ScreenMarker = { id: "configuredRow", selector: 'table[aria-label="Configured VMs"] tbody tr', text: /vm-s\d+-\d+/ };

async function measureBundle(ctx: ScenarioContext, outDir: string): Promise<void> {
  ctx.log("building the portal with Vite ...");
  const started = performance.now();
  await buildPortal(repoRoot, outDir);
  ctx.record({ metric: "vite build time", value: round((performance.now() - started) / 1000), unit: "s" });
  const js = await measureInitialJs(outDir);
  ctx.log(`initial JS: ${js.files.join(", ")}`);
  ctx.record({ metric: "initial JS (gzip)", value: round(js.gzipBytes / kb), unit: "KB", budget: budgets.portalInitialJsGzip });
  ctx.record({ metric: "initial JS (raw)", value: round(js.rawBytes / kb), unit: "KB" });
  ctx.record({ metric: "initial JS files", value: js.files.length, unit: "files" });
}

function recordLoads(ctx: ScenarioContext, label: string, samples: readonly number[]): void {
  ctx.log(`${label}: ${samples.map((ms) => Math.round(ms)).join(", ")} ms`);
  ctx.record({ metric: `${label} p50`, value: Math.round(percentile(samples, 50)), unit: "ms", budget: budgets.portalRowsVisible });
  ctx.record({ metric: `${label} max`, value: Math.round(max(samples)), unit: "ms", budget: budgets.portalRowsVisible });
}

/** Loads of one tab after warm-up: with the HTTP cache as a returning user has it, then off (every script fetched and compiled again). */
async function measureTab(ctx: ScenarioContext, context: BrowserContext, page: Page, tab: string, marker: ScreenMarker): Promise<void> {
  const path = `/jit?tab=${tab}`;
  for (let i = 0; i < warmupLoads; i++) await timeNavigation(page, path, marker, loadTimeoutMs);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  for (const cacheDisabled of [false, true]) {
    await cdp.send("Network.setCacheDisabled", { cacheDisabled });
    const samples: number[] = [];
    for (let i = 0; i < measuredLoads; i++) samples.push(await timeNavigation(page, path, marker, loadTimeoutMs));
    recordLoads(ctx, `${tab} rows visible (HTTP cache ${cacheDisabled ? "off" : "warm"})`, samples);
  }
  await cdp.detach();
}

async function measurePageLoads(ctx: ScenarioContext, webDistDir: string, admin: DemoUser): Promise<void> {
  const emulator = await startLargeEmulator({ readLatencyMs: 0, writeLatencyMs: 10 });
  const bff = await startBenchBff(emulator, { webDistDir });
  const browser = await launchChromium();
  try {
    ctx.setting("estate", `${largeEstate.vms} VMs, ${largeEstate.nsgs} NSGs`);
    ctx.setting("emulator read / write latency (ms)", `${emulator.control.getConfig().readLatencyMs} / ${emulator.control.getConfig().writeLatencyMs}`);
    ctx.setting("browser", `Chromium ${browser.version()} (${debianChromium} ${chromiumArgs.join(" ")}), viewport 1280x720`);
    ctx.setting("warm-up loads per tab (excluded)", warmupLoads);
    ctx.setting("measured loads per case", measuredLoads);
    ctx.setting("JIT policies enabled before the Configured loads", policiesEnabled);
    ctx.setting("measured", "navigation start (page.goto from about:blank) to the frame after the first VM row entered the DOM; signed in, inventory cached in the BFF");
    const context = await browser.newContext({ baseURL: bff.url });
    await installScreenMarker(context, recommendedRow);
    await installScreenMarker(context, configuredRow);
    const page = await context.newPage();
    ctx.log("signing in as the admin through the local issuer ...");
    await signInThroughIssuer(page, admin.username, demoPassword, admin.name);
    // The BFF reads ARM on the first inventory request; the loads measured later are served from its cache.
    await timeNavigation(page, "/jit?tab=recommended", recommendedRow, firstLoadTimeoutMs);
    await measureTab(ctx, context, page, "recommended", recommendedRow);

    ctx.log(`enabling JIT on ${policiesEnabled} Recommended VMs through PUT /api/policies ...`);
    await enableJitOnRecommended(bff.url, await adminToken(bff), policiesEnabled);
    await measureTab(ctx, context, page, "configured", configuredRow);
    ctx.note(`Configured is measured with ${policiesEnabled} of the ${largeEstate.vms.toLocaleString("en-US")} VMs enabled through PUT /api/policies (the large estate starts with none).`);
  } finally {
    await browser.close();
    await bff.close();
    await emulator.stop();
  }
}

export const portalScenario: Scenario = {
  name: "portal",
  description: "the SPA's initial JavaScript (gzip) and, in Chromium, navigation to the JIT tabs until rows show (10,000 VMs)",
  timeoutMs: 5 * 60_000,
  async run(ctx) {
    const admin = demoUsers.find((user) => user.username === adminUser);
    if (admin === undefined) throw new Error(`the local issuer has no demo user ${adminUser}`);
    // Built apart from apps/web/dist, which a running `npm start` or e2e run may be serving.
    const outDir = await mkdtemp(path.join(tmpdir(), "portcullis-bench-web-"));
    try {
      await measureBundle(ctx, outDir);
      await measurePageLoads(ctx, outDir, admin);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  },
};
