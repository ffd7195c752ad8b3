import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accessDetails, asDatabaseAttacker, rehashFrom, type Rehash } from "../../test-support/audit.ts";
import type { Database } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { testEngines } from "../../test-support/db-engines.ts";
import { anchorLine, appendAnchorFile, writeAuditAnchor } from "./audit-anchors.ts";
import { createAuditRecorder, listAuditEvents, type AuditEvent, type AuditEventInput } from "./audit-events.ts";
import { auditSigningKey } from "./audit-signing.ts";
import { verifyAuditChain } from "./audit-verify.ts";

const actor = { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e01", name: "Alex Admin", ip: "203.0.113.9" };
const key = auditSigningKey(randomBytes(32));
const audit = createAuditRecorder(key);
const event = (n: number): AuditEventInput => ({ actor, action: "request.opened", outcome: "success", vmId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-1", details: accessDetails({ justification: `INC-${n}` }) });

/** Tampering as someone with the database's superuser rights but without the audit key. */
describe.each(testEngines)("tampering with the audit trail on $name", (engine) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let dir: string;
  let events: AuditEvent[];
  const verify = (anchorFiles: string[] = []) => verifyAuditChain(database.kysely, { signingKey: async () => key, anchorFiles });
  const seq = (n: number) => events[n - 1]?.seq as number;
  const id = (n: number) => events[n - 1]?.id as string;

  beforeAll(async () => {
    ({ database, cleanup } = await engine.open());
    await migrateToLatest(database);
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-anchors-"));
  });
  afterAll(async () => {
    await cleanup?.();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  /** Events 1 to 8, anchored after 5 and after 8; the chain verifies to the newest anchor before each test tampers. */
  beforeEach(async () => {
    await asDatabaseAttacker(database.kysely, async (trx) => {
      for (const table of ["audit_event", "audit_anchor", "audit_checkpoint"]) await sql`delete from ${sql.table(table)}`.execute(trx);
    });
    for (const n of [1, 2, 3, 4, 5]) await audit.record(database.kysely, event(n));
    await writeAuditAnchor(database.kysely, key, new Date("2026-03-01T10:00:00.000Z"));
    await audit.recordAll(database.kysely, [event(6), event(7), event(8)]);
    await writeAuditAnchor(database.kysely, key, new Date("2026-03-01T10:01:00.000Z"));
    events = await listAuditEvents(database.kysely);
    expect(await verify()).toMatchObject({ ok: true, checked: 8, firstBroken: null, missing: null, anchor: { seq: seq(8), at: "2026-03-01T10:01:00.000Z", source: "database" } });
  });

  it("(1) names an event edited in the middle", async () => {
    await asDatabaseAttacker(database.kysely, (trx) => sql`update audit_event set details = details || '{"justification":"nothing to see"}' where id = ${id(3)}`.execute(trx));
    expect(await verify()).toMatchObject({ ok: false, checked: 2, firstBroken: { seq: seq(3), id: id(3), reason: "hash mismatch" }, missing: null });
  });

  it("(2) names the event after one deleted in the middle", async () => {
    await asDatabaseAttacker(database.kysely, (trx) => sql`delete from audit_event where id = ${id(3)}`.execute(trx));
    expect(await verify()).toMatchObject({ ok: false, checked: 2, firstBroken: { seq: seq(4), id: id(4), reason: "link mismatch" }, missing: null });
  });

  it("(3) names the range of the newest events deleted after the last anchor", async () => {
    await asDatabaseAttacker(database.kysely, (trx) => sql`delete from audit_event where seq >= ${seq(6)}`.execute(trx));
    const result = await verify();
    expect(result).toMatchObject({
      ok: false,
      checked: 5,
      firstBroken: null,
      missing: { fromSeq: seq(6), toSeq: seq(8), events: 3, anchor: { seq: seq(8), at: "2026-03-01T10:01:00.000Z", source: "database" } },
      anchor: { seq: seq(5), source: "database" },
    });
    expect(result.summary).toBe(`events ${seq(6)}-${seq(8)} are missing (3 events): the last anchor at 2026-03-01T10:01:00.000Z recorded seq ${seq(8)}; 5 events before them verified from the first event`);
  });

  it("(3) still names the cut when the BFF has appended after it (the new events link to the cut head)", async () => {
    await asDatabaseAttacker(database.kysely, (trx) => sql`delete from audit_event where seq >= ${seq(7)}`.execute(trx));
    await audit.record(database.kysely, event(9));
    expect(await verify()).toMatchObject({ ok: false, checked: 6, missing: { fromSeq: seq(7), toSeq: seq(8), events: 2 } });
  });

  it.each<[string, Rehash, (keyId: string) => string]>([
    ["keeping the key ids", { kind: "unkeyed", markUnkeyed: false }, () => "hash mismatch"],
    ["marking the events unkeyed (v1)", { kind: "unkeyed", markUnkeyed: true }, () => "unkeyed (v1) event after keyed (v2) events"],
    ["with a key of their own", { kind: "own-key", key: auditSigningKey(randomBytes(32)) }, (keyId) => `event hashed with another key (${keyId}, this one is ${key.keyId})`],
  ])("(4) names an event edited with every later hash recomputed, %s", async (_how, how, reason) => {
    await asDatabaseAttacker(database.kysely, async (trx) => {
      await sql`update audit_event set actor_name = 'Mallory' where id = ${id(3)}`.execute(trx);
      await rehashFrom(trx, seq(3), how);
    });
    const edited = await database.kysely.selectFrom("audit_event").select("key_id").where("id", "=", id(3)).executeTakeFirstOrThrow();
    expect(await verify()).toMatchObject({ ok: false, checked: 2, firstBroken: { seq: seq(3), id: id(3), reason: reason(edited.key_id ?? "") } });
  });

  it("(4) catches the whole chain rewritten unkeyed from the first event at the first anchor, which it no longer reaches", async () => {
    await asDatabaseAttacker(database.kysely, async (trx) => {
      await sql`update audit_event set actor_name = 'Mallory' where id = ${id(3)}`.execute(trx);
      await rehashFrom(trx, seq(1), { kind: "unkeyed", markUnkeyed: true });
    });
    expect(await verify()).toMatchObject({ ok: false, checked: 4, firstBroken: { seq: seq(5), reason: "differs from the anchor of 2026-03-01T10:00:00.000Z" } });
  });

  it.each([
    ["signed with another key", auditSigningKey(randomBytes(32)), (keyId: string) => `anchor signed with another key (${keyId}, this one is ${key.keyId})`],
    ["claiming this key's id", { ...auditSigningKey(randomBytes(32)), keyId: key.keyId }, () => "anchor signature mismatch"],
  ])("refuses an anchor forged to cover a cut tail, %s", async (_how, forger, reason) => {
    const fields = { id: randomUUID(), seq: String(seq(6)), hash: events[5]?.hash as string, count: "6", at: new Date("2026-03-01T10:02:00.000Z") };
    await asDatabaseAttacker(database.kysely, async (trx) => {
      await sql`delete from audit_event where seq > ${seq(6)}`.execute(trx);
      await sql`delete from audit_anchor where seq > ${seq(6)}`.execute(trx);
      await trx.insertInto("audit_anchor").values({ ...fields, key_id: forger.keyId, signature: forger.sign(fields, "anchor") }).execute();
    });
    expect(await verify()).toMatchObject({ ok: false, checked: 0, firstBroken: { seq: seq(6), id: fields.id, reason: reason(forger.keyId) } });
  });

  it("catches, with the anchor file, a cut tail whose anchors were deleted from the database too", async () => {
    const file = path.join(dir, `${engine.name}-anchors.jsonl`);
    const anchors = await database.kysely.selectFrom("audit_anchor").selectAll().orderBy("seq").execute();
    await writeFile(file, "");
    await appendAnchorFile(file, anchors.map((a) => ({ id: a.id, seq: a.seq, hash: a.hash, count: a.count, at: new Date(a.at), keyId: a.key_id, signature: a.signature })));
    await asDatabaseAttacker(database.kysely, async (trx) => {
      await sql`delete from audit_event where seq >= ${seq(4)}`.execute(trx);
      await sql`delete from audit_anchor where seq >= ${seq(4)}`.execute(trx);
    });
    // The database alone looks intact: nothing in it remembers events 4 to 8.
    expect(await verify()).toMatchObject({ ok: true, checked: 3, anchor: null });
    const result = await verify([file]);
    expect(result).toMatchObject({ ok: false, checked: 3, missing: { fromSeq: seq(4), toSeq: seq(8), events: 5, anchor: { seq: seq(8), source: "file" } } });
    expect(result.summary).toContain(`recorded seq ${seq(8)} (anchor file ${file})`);
  });

  it("refuses a forged line in the anchor file, and says so when the file is gone or garbled", async () => {
    const file = path.join(dir, `${engine.name}-forged.jsonl`);
    const forger = auditSigningKey(randomBytes(32));
    const fields = { id: randomUUID(), seq: String(seq(8) + 5), hash: "ab".repeat(32), count: "13", at: new Date() };
    await writeFile(file, `${anchorLine({ ...fields, keyId: forger.keyId, signature: forger.sign(fields, "anchor") })}\n`);
    expect((await verify([file])).firstBroken).toEqual({ seq: seq(8) + 5, id: fields.id, reason: `anchor signed with another key (${forger.keyId}, this one is ${key.keyId}) (in ${file})` });
    await writeFile(file, "{not json\n");
    expect(await verify([file])).toMatchObject({ ok: false, summary: `anchor file ${file}: line 1 is not JSON; its anchors cannot be checked` });
    expect(await verify([path.join(dir, "missing.jsonl")])).toMatchObject({ ok: false, summary: expect.stringMatching(/missing\.jsonl: cannot be read \(ENOENT\)/) });
  });
});
