import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startBff } from "../server.ts";
import { startTestEmulator, testConfig } from "../test-support/stack.ts";
import { loadAuditSigningKey, signingKeyFileName } from "./audit/audit-signing.ts";

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

/** Every directory 0700 and every file 0600 under `root`, listed as `path: mode` where they are not. */
async function widerThanPrivate(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    const mode = await modeOf(full);
    if (entry.isDirectory()) {
      if (mode !== 0o700) found.push(`${full}: ${mode.toString(8)}`);
      found.push(...(await widerThanPrivate(full)));
    } else if (entry.isFile() && mode !== 0o600) {
      found.push(`${full}: ${mode.toString(8)}`);
    }
  }
  return found;
}

describe("DATA_DIR holds secrets: only the BFF's account may read it", () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = path.join(await mkdtemp(path.join(tmpdir(), "portcullis-modes-")), "data");
  });
  afterEach(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it("When the BFF starts on a world-readable DATA_DIR, and again after an older version left it wider, then everything in it is 0700 / 0600", { timeout: 120_000 }, async () => {
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    const emulator = await startTestEmulator();
    try {
      const first = await startBff(testConfig(emulator, { DATA_DIR: dataDir }), { webDistDir: null });
      try {
        expect(await modeOf(dataDir)).toBe(0o700);
        expect(await modeOf(path.join(dataDir, "pglite"))).toBe(0o700);
        expect(await modeOf(path.join(dataDir, "pglite", "PG_VERSION"))).toBe(0o600);
        expect(await modeOf(path.join(dataDir, "pglite.holder.json"))).toBe(0o600);
        expect(await modeOf(path.join(dataDir, "local-issuer"))).toBe(0o700);
        expect(await modeOf(path.join(dataDir, "local-issuer", "signing-key.json"))).toBe(0o600);
        expect(await widerThanPrivate(dataDir)).toEqual([]);
      } finally {
        await first.stop();
      }

      for (const [file, mode] of [["", 0o755], ["pglite", 0o755], ["pglite/PG_VERSION", 0o644], ["local-issuer", 0o755]] as const) await chmod(path.join(dataDir, file), mode);
      const second = await startBff(testConfig(emulator, { DATA_DIR: dataDir }), { webDistDir: null });
      try {
        expect(await modeOf(dataDir)).toBe(0o700);
        expect(await widerThanPrivate(dataDir)).toEqual([]);
      } finally {
        await second.stop();
      }
    } finally {
      await emulator.stop();
    }
  });

  it("When the audit signing key is generated, then its file is 0600 in a 0700 directory", async () => {
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    await writeFile(path.join(dataDir, "unrelated.txt"), "x");
    await loadAuditSigningKey({ configuredKey: undefined, dataDir });
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(path.join(dataDir, signingKeyFileName))).toBe(0o600);
  });
});
