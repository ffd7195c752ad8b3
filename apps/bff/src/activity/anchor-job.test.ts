import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readAnchorFile } from "../lib/audit/audit-anchors.ts";
import { createAuditRecorder, type AuditEventInput } from "../lib/audit/audit-events.ts";
import { auditSigningKey } from "../lib/audit/audit-signing.ts";
import { openDatabase, type Database } from "../lib/db/database.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { createLogger } from "../lib/logger.ts";
import type { Timer } from "../lib/time/clock.ts";
import { asDatabaseAttacker, testAudit, testAuditKey } from "../test-support/audit.ts";
import { createManualClock } from "../test-support/manual-clock.ts";
import { startAnchorJob } from "./anchor-job.ts";
import { createActivityService } from "./service.ts";

const minute = 60_000;
const event = (n: number): AuditEventInput => ({ actor: { oid: "oid", name: "Alex Admin", ip: null }, action: "policy.enabled", outcome: "success", details: { previousVersion: n } });

/** A timer the test fires by hand; `fire` runs the pending wake-up and waits until the job has scheduled the next. */
function manualTimer() {
  const waits: Array<{ run: () => void; ms: number; done: boolean }> = [];
  const timer: Timer = {
    schedule(run, ms) {
      const wait = { run, ms, done: false };
      waits.push(wait);
      return { cancel: () => void (wait.done = true) };
    },
  };
  return {
    timer,
    waits,
    async fire() {
      const next = waits.find((w) => !w.done);
      if (next === undefined) throw new Error("nothing is scheduled");
      next.done = true;
      const before = waits.length;
      next.run();
      while (waits.length === before) await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

describe("the anchor job", () => {
  let database: Database;
  let dir: string;
  const logLines: string[] = [];
  const logger = createLogger("debug", new Writable({ write: (chunk: Buffer, _encoding, done) => void (logLines.push(chunk.toString()), done()) }));
  const dbAnchors = () => database.kysely.selectFrom("audit_anchor").select(["id", "seq", "count"]).orderBy("seq").execute();
  const headSeq = async () => String((await database.kysely.selectFrom("audit_event").select("seq").orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow()).seq);

  beforeAll(async () => {
    database = await openDatabase({ kind: "pglite-memory" });
    await migrateToLatest(database);
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-anchor-job-"));
  });
  afterAll(async () => {
    await database?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    logLines.length = 0;
    await asDatabaseAttacker(database.kysely, async (trx) => {
      await trx.deleteFrom("audit_event").execute();
      await trx.deleteFrom("audit_anchor").execute();
    });
  });

  it("anchors at start, on each interval when events were appended, and at shutdown, into the database and the anchor file", async () => {
    const anchorFile = path.join(dir, "anchors.jsonl");
    const clock = createManualClock(new Date("2026-03-01T10:00:00.000Z"));
    const service = createActivityService({ db: database.kysely, key: testAuditKey, retentionDays: undefined, anchorFile, now: () => clock.now() });
    await testAudit.recordAll(database.kysely, [event(1), event(2)]);
    const { timer, waits, fire } = manualTimer();

    const job = await startAnchorJob(service, logger, { everyMs: minute, timer });
    expect((await dbAnchors()).map((a) => [String(a.seq), String(a.count)])).toEqual([[await headSeq(), "2"]]);
    expect(waits.map((w) => w.ms)).toEqual([minute]);

    clock.advance(minute);
    await fire();
    expect(await dbAnchors()).toHaveLength(1);

    await testAudit.record(database.kysely, event(3));
    clock.advance(minute);
    await fire();
    expect((await dbAnchors()).map((a) => String(a.count))).toEqual(["2", "3"]);

    await testAudit.record(database.kysely, event(4));
    await job.stop();
    const stored = await dbAnchors();
    expect(stored.map((a) => String(a.count))).toEqual(["2", "3", "4"]);
    expect(String(stored.at(-1)?.seq)).toBe(await headSeq());
    expect(waits.every((w) => w.done)).toBe(true);
    expect((await readAnchorFile(anchorFile)).map((a) => a.id)).toEqual(stored.map((a) => a.id));
    expect(await service.verify()).toMatchObject({ ok: true, checked: 4, anchor: { seq: Number(stored.at(-1)?.seq), at: "2026-03-01T10:02:00.000Z" } });
  });

  it("writes an anchor the file missed with the next run, logging the failure", async () => {
    const anchorFile = path.join(dir, "later.jsonl");
    const service = createActivityService({ db: database.kysely, key: testAuditKey, retentionDays: undefined, anchorFile });
    const { timer, fire } = manualTimer();
    const job = await startAnchorJob(service, logger, { everyMs: minute, timer });
    expect(await readFile(anchorFile, "utf8")).toBe("");

    // The file's place is taken (a directory): the anchor is stored in the database but cannot be appended.
    await rm(anchorFile);
    await mkdir(anchorFile);
    await testAudit.record(database.kysely, event(1));
    await fire();
    expect(logLines.join("")).toContain("anchoring the audit chain failed; it is tried again at the next interval");
    expect(await dbAnchors()).toHaveLength(1);

    await rm(anchorFile, { recursive: true });
    await fire();
    expect((await readAnchorFile(anchorFile)).map((a) => a.id)).toEqual((await dbAnchors()).map((a) => a.id));
    await job.stop();
  });

  it("tells the BFF when the trail's newest events were hashed with another key (a replica without the shared key)", async () => {
    const service = createActivityService({ db: database.kysely, key: testAuditKey, retentionDays: undefined });
    expect(await service.foreignKeyId()).toBeNull();
    await testAudit.record(database.kysely, event(1));
    expect(await service.foreignKeyId()).toBeNull();
    const other = auditSigningKey(randomBytes(32));
    await createAuditRecorder(other).record(database.kysely, event(2));
    expect(await service.foreignKeyId()).toBe(other.keyId);
  });

  it("stops start-up when the anchor file cannot be written", async () => {
    const anchorFile = path.join(dir, "no-such-directory", "anchors.jsonl");
    const service = createActivityService({ db: database.kysely, key: testAuditKey, retentionDays: undefined, anchorFile });
    await expect(startAnchorJob(service, logger, { everyMs: minute, timer: manualTimer().timer })).rejects.toThrow(/ENOENT/);
  });
});
