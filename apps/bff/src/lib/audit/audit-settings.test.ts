import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadStorageConfig } from "../config.ts";
import { loadAuditSigningKey, signingKeyFileName } from "./audit-signing.ts";

const emulator = { ARM_ENDPOINT: "https://localhost:8443" };
const longKey = "k".repeat(32);

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("audit settings", () => {
  it("keeps events forever and generates the key by default", () => {
    expect(loadConfig(emulator).audit).toEqual({ retentionDays: undefined, signingKey: undefined, anchorFile: undefined, anchorIntervalSeconds: 60 });
    expect(loadConfig({ ...emulator, AUDIT_RETENTION_DAYS: "400", AUDIT_SIGNING_KEY: longKey }).audit).toMatchObject({ retentionDays: 400, signingKey: longKey });
  });

  it("anchors every AUDIT_ANCHOR_INTERVAL_SECONDS, also into AUDIT_ANCHOR_FILE (made absolute) when set", () => {
    const audit = loadConfig({ ...emulator, AUDIT_ANCHOR_FILE: "anchors/audit.jsonl", AUDIT_ANCHOR_INTERVAL_SECONDS: "15" }).audit;
    expect(audit).toMatchObject({ anchorFile: path.resolve("anchors/audit.jsonl"), anchorIntervalSeconds: 15 });
  });

  it.each([
    [{ AUDIT_RETENTION_DAYS: "0" }, 'AUDIT_RETENTION_DAYS: must be an integer from 1 to 36500, or unset to keep events forever (got "0")'],
    [{ AUDIT_RETENTION_DAYS: "30d" }, 'AUDIT_RETENTION_DAYS: must be an integer from 1 to 36500, or unset to keep events forever (got "30d")'],
    [{ AUDIT_SIGNING_KEY: "short" }, "AUDIT_SIGNING_KEY: must be at least 32 characters"],
    [{ AUDIT_ANCHOR_INTERVAL_SECONDS: "0" }, 'AUDIT_ANCHOR_INTERVAL_SECONDS: must be an integer from 1 to 3600 (got "0")'],
    [{ AUDIT_ANCHOR_INTERVAL_SECONDS: "1m" }, 'AUDIT_ANCHOR_INTERVAL_SECONDS: must be an integer from 1 to 3600 (got "1m")'],
  ])("refuses %o naming the variable", (env, problem) => {
    expect(problemsOf(() => loadConfig({ ...emulator, ...env }))).toEqual([problem]);
    expect(problemsOf(() => loadStorageConfig(env))).toEqual([problem]);
  });

  it("reads only storage settings for tools, without needing ARM or sign-in settings", () => {
    const storage = loadStorageConfig({ DATA_DIR: "/tmp/x", DATABASE_URL: "postgres://db/p", AUDIT_RETENTION_DAYS: "7", AUDIT_ANCHOR_FILE: "/var/log/a.jsonl", ARM_ENDPOINT: "not a url" });
    expect(storage).toEqual({
      dataDir: "/tmp/x",
      databaseUrl: "postgres://db/p",
      audit: { retentionDays: 7, signingKey: undefined, anchorFile: "/var/log/a.jsonl", anchorIntervalSeconds: 60 },
    });
  });
});

describe("the audit key", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-audit-key-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const fields = { id: "c1", seq: "10", hash: "ab".repeat(32), count: 10, at: new Date("2026-01-01T00:00:00.000Z") };

  it("is generated once into DATA_DIR, readable by its owner only, and the same key on the next start", async () => {
    const first = await loadAuditSigningKey({ configuredKey: undefined, dataDir: dir });
    const mode = (await stat(path.join(dir, signingKeyFileName))).mode & 0o777;
    expect(mode).toBe(0o600);
    const again = await loadAuditSigningKey({ configuredKey: undefined, dataDir: dir });
    expect(again.keyId).toBe(first.keyId);
    expect(again.verify(fields, first.sign(fields, "checkpoint"), "checkpoint")).toBe(true);
  });

  it("is AUDIT_SIGNING_KEY when set, and a signature covers every field", async () => {
    const configured = await loadAuditSigningKey({ configuredKey: longKey, dataDir: dir });
    const generated = await loadAuditSigningKey({ configuredKey: undefined, dataDir: dir });
    expect(configured.keyId).not.toBe(generated.keyId);
    const signature = configured.sign(fields, "checkpoint");
    expect(configured.verify(fields, signature, "checkpoint")).toBe(true);
    expect(generated.verify(fields, signature, "checkpoint")).toBe(false);
    for (const changed of [{ seq: "11" }, { hash: "cd".repeat(32) }, { count: 9 }, { at: new Date("2026-01-02T00:00:00.000Z") }, { id: "c2" }]) {
      expect(configured.verify({ ...fields, ...changed }, signature, "checkpoint")).toBe(false);
    }
    expect(configured.verify(fields, "zz", "checkpoint")).toBe(false);
  });

  it("never accepts an anchor's signature as a checkpoint's, or back: a head that existed is not a prefix pruned on purpose", async () => {
    const key = await loadAuditSigningKey({ configuredKey: longKey, dataDir: dir });
    expect(key.verify(fields, key.sign(fields, "anchor"), "checkpoint")).toBe(false);
    expect(key.verify(fields, key.sign(fields, "checkpoint"), "anchor")).toBe(false);
    expect(key.verify(fields, key.sign(fields, "anchor"), "anchor")).toBe(true);
  });
});
