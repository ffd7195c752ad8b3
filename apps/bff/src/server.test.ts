import { mkdtemp, rm } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { AuthConfig } from "./lib/config.ts";
import { createLogger } from "./lib/logger.ts";
import { listeningReach, startBff } from "./server.ts";
import { startTestEmulator, testConfig } from "./test-support/stack.ts";

const local = { mode: "local" } as AuthConfig;
const entra = { mode: "entra" } as AuthConfig;

describe("who can reach the BFF", () => {
  it.each([
    ["local sign-in on 127.0.0.1", { host: "127.0.0.1", auth: local }, "info", /^BFF listening on 127\.0\.0\.1 only: local sign-in has demo users with a published password/],
    ["local sign-in on ::1", { host: "::1", auth: local }, "info", /^BFF listening on ::1 only/],
    ["local sign-in on 0.0.0.0 (HOST set)", { host: "0.0.0.0", auth: local }, "warn", /^BFF listening on 0\.0\.0\.0 with local sign-in: anyone who can reach this address can sign in with the published demo password$/],
    ["Entra ID sign-in on 0.0.0.0", { host: "0.0.0.0", auth: entra }, "info", /^BFF listening on 0\.0\.0\.0$/],
  ])("When %s, then the start-up line says so", (_when, config, level, message) => {
    const reach = listeningReach(config);
    expect(reach.level).toBe(level);
    expect(reach.message).toMatch(message);
  });

  it("When local sign-in starts without HOST, then it listens on 127.0.0.1 only and logs that", { timeout: 90_000 }, async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-host-"));
    const emulator = await startTestEmulator();
    try {
      const config = testConfig(emulator, { DATA_DIR: dataDir, HOST: "" });
      expect(config.host).toBe("127.0.0.1");
      const bff = await startBff(config, { webDistDir: null, logger: createLogger("info", sink) });
      try {
        expect(bff.url).toBe(`http://127.0.0.1:${bff.port}`);
        expect((await fetch(`http://127.0.0.1:${bff.port}/api/healthz`)).status).toBe(200);
        const listening = lines.find((l) => typeof l["msg"] === "string" && l["msg"].startsWith("BFF listening"));
        expect(listening).toMatchObject({ host: "127.0.0.1", signIn: "local", msg: expect.stringContaining("only: local sign-in has demo users with a published password") });
        // From another interface of this machine (when it has one), nothing answers.
        const external = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && i.family === "IPv4" && !i.internal);
        if (external !== undefined) await expect(fetch(`http://${external.address}:${bff.port}/api/healthz`)).rejects.toThrow();
      } finally {
        await bff.stop();
      }
    } finally {
      await emulator.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
