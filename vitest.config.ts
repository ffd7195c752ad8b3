import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      { test: { name: "contract", root: "packages/contract", include: ["src/**/*.test.ts"] } },
      { test: { name: "core", root: "packages/core", include: ["src/**/*.test.ts"], testTimeout: 30_000 } },
      { test: { name: "azure-emulator", root: "apps/azure-emulator", include: ["src/**/*.test.ts"], testTimeout: 30_000 } },
      { test: { name: "bff", root: "apps/bff", include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 } },
      { test: { name: "web", root: "apps/web", include: ["src/**/*.test.ts"] } },
      { test: { name: "local-issuer", root: "apps/local-issuer", include: ["src/**/*.test.ts"] } },
      { test: { name: "bench", root: "bench", include: ["**/*.test.ts"] } },
    ],
  },
});
