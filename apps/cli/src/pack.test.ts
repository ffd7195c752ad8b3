import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { packCli } from "./pack.ts";

const run = promisify(execFile);

describe("the packed CLI", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("installs with `npm install -g` from its tarball into a fresh folder, and `portcullis --help` runs there", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "portcullis-cli-install-"));
    dirs.push(work);
    const tarball = await packCli(path.join(work, "tarball"));
    const prefix = path.join(work, "global");
    // A fresh folder outside the repository: only the registry's packages and the tarball.
    await run("npm", ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", tarball], { cwd: work });
    const env = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, HOME: work, PORTCULLIS_CONFIG_DIR: path.join(work, "config") };
    const help = await run(path.join(prefix, "bin", "portcullis"), ["--help"], { cwd: work, env });
    expect(help.stdout).toMatch(/^Usage: portcullis \[options\] \[command\]/);
    expect(help.stdout).toContain("npx portcullis ssh vm-dev-api-01");
    const whoami = await run(path.join(prefix, "bin", "portcullis"), ["whoami"], { cwd: work, env }).catch((error: { code: number; stderr: string }) => error);
    expect(whoami).toMatchObject({ code: 3, stderr: "portcullis: Not signed in: run `portcullis login --url <server>` first\n" });
  }, 180_000);
});
