import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { AuditVerifyResponseSchema } from "@portcullis/contract";
import { sql } from "kysely";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAnchorFile } from "../lib/audit/audit-anchors.ts";
import { createLogger } from "../lib/logger.ts";
import { asDatabaseAttacker } from "../test-support/audit.ts";
import { signInAs } from "../test-support/sign-in.ts";
import { assembleTestBff, startTestEmulator, type InProcessBff, type TestEmulator } from "../test-support/stack.ts";

const signingKey = randomBytes(32).toString("base64");

describe("GET /api/audit/verify with anchors kept in the database and in AUDIT_ANCHOR_FILE", () => {
  let emulator: TestEmulator;
  let dir: string;
  const logLines: string[] = [];
  const logger = createLogger("debug", new Writable({ write: (chunk: Buffer, _encoding, done) => void (logLines.push(chunk.toString()), done()) }));

  const startBff = (anchorFile: string) => assembleTestBff(emulator, { env: { AUDIT_ANCHOR_FILE: anchorFile, AUDIT_SIGNING_KEY: signingKey }, logger });
  const assign = async (bff: InProcessBff, admin: string, name: string) => {
    const body = { principalType: "user", principalId: randomUUID(), principalName: name, role: "Auditor", scope: "/" };
    const res = await request(bff.app).post("/api/rbac/assignments").set("authorization", admin).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const headSeq = async (bff: InProcessBff) => Number((await bff.database.kysely.selectFrom("audit_event").select("seq").orderBy("seq", "desc").limit(1).executeTakeFirstOrThrow()).seq);

  beforeAll(async () => {
    emulator = await startTestEmulator();
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-verify-route-"));
  });
  afterAll(async () => {
    await emulator?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe("while running", () => {
    let bff: InProcessBff;
    let anchorFile: string;
    beforeAll(async () => {
      anchorFile = path.join(dir, "running.jsonl");
      bff = await startBff(anchorFile);
    });
    afterAll(async () => {
      await bff?.close();
    });

    it("shows an Admin the chain intact up to the newest anchor, then the events cut off with their anchors, found by the file", async () => {
      const admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
      const auditor = `Bearer ${await signInAs(bff, "auditor@contoso.test")}`;
      await assign(bff, admin, "Pat One");
      await bff.activity.anchor();
      const kept = await headSeq(bff);
      await assign(bff, admin, "Pat Two");
      await assign(bff, admin, "Pat Three");
      const anchor = await bff.activity.anchor();
      const head = await headSeq(bff);
      expect(Number(anchor?.seq)).toBe(head);

      const intact = await request(bff.app).get("/api/audit/verify").set("authorization", admin);
      expect(intact.status).toBe(200);
      expect(AuditVerifyResponseSchema.parse(intact.body)).toMatchObject({ ok: true, missing: null, anchor: { seq: head, source: "database" } });

      await asDatabaseAttacker(bff.database.kysely, async (trx) => {
        await sql`delete from audit_event where seq > ${kept}`.execute(trx);
        await sql`delete from audit_anchor where seq > ${kept}`.execute(trx);
      });
      const cut = await request(bff.app).get("/api/audit/verify").set("authorization", admin);
      expect(cut.status).toBe(200);
      expect(AuditVerifyResponseSchema.parse(cut.body)).toMatchObject({
        ok: false,
        firstBroken: null,
        missing: { fromSeq: kept + 1, toSeq: head, anchor: { seq: head, source: "file" } },
        anchor: { seq: kept, source: "database" },
      });
      expect(cut.body.summary).toContain(`events ${kept + 1}-${head} are missing`);
      expect(cut.body.summary).toContain(`recorded seq ${head} (anchor file ${anchorFile})`);
      expect((await request(bff.app).get("/api/audit/verify").set("authorization", auditor)).status).toBe(403);
    });
  });

  describe("at shutdown", () => {
    let bff: InProcessBff;
    let anchorFile: string;
    let closed = false;
    beforeAll(async () => {
      anchorFile = path.join(dir, "shutdown.jsonl");
      bff = await startBff(anchorFile);
    });
    afterAll(async () => {
      if (!closed) await bff?.close();
    });

    it("anchors the events of the last moments, and never logs the audit key", async () => {
      const admin = `Bearer ${await signInAs(bff, "admin@contoso.test")}`;
      await assign(bff, admin, "Pat Four");
      const head = await headSeq(bff);
      // Nothing anchored it yet: the start-up anchor came before it and the interval (60 s) has not come round.
      expect(await readAnchorFile(anchorFile)).toEqual([]);
      closed = true;
      await bff.close();
      expect((await readAnchorFile(anchorFile)).map((a) => Number(a.seq))).toEqual([head]);
      expect(logLines.join("")).toContain("audit chain anchored");
      expect(logLines.join("")).not.toContain(signingKey);
    });
  });
});
