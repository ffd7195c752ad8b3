import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const mainScript = fileURLToPath(new URL("./main.ts", import.meta.url));

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mainScript], { env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("the BFF command", () => {
  it("stops with exit code 1 and names every bad variable and its rule", async () => {
    const { code, stderr } = await runMain({ PORT: "eighty", LOG_LEVEL: "chatty", ARM_ENDPOINT: "https://localhost:8443" });
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid configuration:");
    expect(stderr).toContain('PORT: must be an integer from 0 to 65535 (got "eighty")');
    expect(stderr).toContain("LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent");
  });
});
