import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/** BFF tests that start several BFF processes or replicas against PostgreSQL. */
const replicaTests = ["src/**/multi-replica.test.ts", "src/scheduler/restart.test.ts", "src/scheduler/takeover.test.ts", "src/deploy/two-replicas-proxy.test.ts"];

export default defineConfig({
  test: {
    // Vitest's default leaves one core free, which on a 2-core machine runs the files one at a time; the tests wait
    // on I/O (PGlite, the emulator, child processes) as much as they compute, so two workers finish about 30% sooner.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { test: { name: "contract", root: "packages/contract", include: ["src/**/*.test.ts"] } },
      { test: { name: "core", root: "packages/core", include: ["src/**/*.test.ts"], testTimeout: 30_000 } },
      { test: { name: "azure-emulator", root: "apps/azure-emulator", include: ["src/**/*.test.ts"], testTimeout: 30_000 } },
      { test: { name: "bff", root: "apps/bff", include: ["src/**/*.test.ts"], exclude: replicaTests, testTimeout: 30_000, hookTimeout: 60_000 } },
      // Several BFF processes (or pools) on the PostgreSQL server: run alone, one file at a time, after everything else,
      // so they neither exhaust its connections nor starve each other of CPU.
      {
        test: { name: "bff-replicas", root: "apps/bff", include: replicaTests, fileParallelism: false, sequence: { groupOrder: 1 }, testTimeout: 60_000, hookTimeout: 60_000 },
      },
      { test: { name: "web", root: "apps/web", include: ["src/**/*.test.ts"] } },
      // The blades rendered in a DOM (jsdom) with Testing Library, the fake BFF at the fetch boundary.
      {
        test: { name: "web-components", root: "apps/web", include: ["src/**/*.test.tsx"], environment: "jsdom", setupFiles: ["src/test-support/setup-dom.ts"], testTimeout: 15_000 },
      },
      { test: { name: "cli", root: "apps/cli", include: ["src/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: "local-issuer", root: "packages/local-issuer", include: ["src/**/*.test.ts"] } },
      { test: { name: "bench", root: "bench", include: ["**/*.test.ts"] } },
      { test: { name: "scripts", root: "scripts", include: ["**/*.test.ts"], testTimeout: 120_000 } },
    ],
  },
});
