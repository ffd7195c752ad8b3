import { defineConfig, devices } from "@playwright/test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { e2eEnv } from "./support/env.ts";

// One fresh data directory per run, created by the runner and inherited by its workers.
if (!process.env.PORTCULLIS_E2E_DATA_DIR) {
  process.env.PORTCULLIS_E2E_DATA_DIR = mkdtempSync(join(tmpdir(), "portcullis-e2e-"));
}
const env = e2eEnv();
const debianChromium = "/usr/bin/chromium";
const chromiumLaunch = {
  // Playwright's own browser download is not available here; Debian's Chromium is.
  ...(existsSync(debianChromium) ? { executablePath: debianChromium } : {}),
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};
/** Specs written for a phone run only in the mobile project; every other spec only on the desktop. */
const mobileSpecs = /\.mobile\.spec\.ts$/;

export default defineConfig({
  testDir: "./tests",
  outputDir: "../test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL: env.baseUrl,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      testIgnore: mobileSpecs,
      use: { ...devices["Desktop Chrome"], launchOptions: chromiumLaunch },
    },
    {
      // A phone: touch, a mobile viewport of 390 x 844 CSS pixels (an iPhone 12 to 15's), Chromium's mobile layout.
      name: "mobile",
      testMatch: mobileSpecs,
      use: { ...devices["Pixel 7"], viewport: { width: 390, height: 844 }, launchOptions: chromiumLaunch },
    },
  ],
  webServer: {
    command: "node scripts/start.ts",
    cwd: "..",
    url: `${env.baseUrl}/api/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(env.port),
      DATA_DIR: env.dataDir,
      EMULATOR_PORT: String(env.emulatorPort),
      LOG_LEVEL: "warn",
    },
  },
});
