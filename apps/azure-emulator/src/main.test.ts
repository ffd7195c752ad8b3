import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "portcullis-emulator-cli-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("the CLI", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("prints the URL, and on %s stops with exit code 0 after saving", async (signal) => {
    const child = spawn(process.execPath, [main, "--port", "0", "--data-dir", dataDir, "--seed", "empty"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /Azure emulator listening on (https:\/\/localhost:\d+)[\s\S]*Control endpoint token/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once("exit", () => reject(new Error(`exited early: ${out}`)));
    });
    expect(url).toMatch(/^https:\/\/localhost:\d+$/);
    // Where the token is, never the token itself, when there is a data directory.
    expect(out).toContain(`Control endpoint token (/_emulator/...): ${join(dataDir, "emulator", "control-token")}`);
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, "emulator", "estate.json"))).toBe(true);
    expect(existsSync(join(dataDir, "emulator", "tls", "cert.pem"))).toBe(true);
  });
});
