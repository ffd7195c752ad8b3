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
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          // Playwright's own browser download is not available here; Debian's Chromium is.
          ...(existsSync(debianChromium) ? { executablePath: debianChromium } : {}),
          args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        },
      },
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
