import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { testEngines } from "../../test-support/db-engines.ts";
import { openDatabase } from "../db/database.ts";
import { canonicalJson } from "./audit-chain.ts";
import { createAuditRecorder, listAuditEvents, type AuditEventInput } from "./audit-events.ts";
import { pruneAuditEvents } from "./audit-retention.ts";
import { writeAuditAnchor } from "./audit-anchors.ts";
import { auditSigningKey } from "./audit-signing.ts";
import { verifyAuditChain } from "./audit-verify.ts";

const actor = { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e01", name: "Alex Admin", ip: "203.0.113.9" };
const vmId = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM-1";
const key = auditSigningKey(randomBytes(32));
const audit = createAuditRecorder(key);
const recordAuditEvent = audit.record;
const recordAuditEvents = audit.recordAll;
const intact = { ok: true, firstBroken: null, missing: null };
const event = (n: number): AuditEventInput => ({ actor, action: "policy.enabled", outcome: "success", vmId, details: { previousVersion: n }, correlationId: `c-${n}` });
const dayMs = 86_400_000;

describe("canonical JSON", () => {
  it.each([
    [{ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}'],
    [{ a: undefined, b: "x" }, '{"b":"x"}'],
    [[undefined, "é"], '[null,"é"]'],
  ])("serialises %o the same whatever the key order", (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });
});

describe.each(testEngines)("the hash chain on $name", (engine) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  const verify = () => verifyAuditChain(database.kysely, { signingKey: async () => key });
  /** Bypasses the append-only triggers, as someone with the database owner's rights could. */
  const tamper = async (statement: ReturnType<typeof sql>) => {
    await sql`alter table audit_event disable trigger user`.execute(database.kysely);
    try {
      await statement.execute(database.kysely);
    } finally {
      await sql`alter table audit_event enable trigger user`.execute(database.kysely);
    }
  };

  beforeAll(async () => {
    ({ database, cleanup } = await engine.open());
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await cleanup?.();
  });
  beforeEach(async () => {
    await tamper(sql`delete from audit_event`);
    for (const table of ["audit_checkpoint", "audit_anchor"]) {
      await sql`alter table ${sql.table(table)} disable trigger user`.execute(database.kysely);
      await sql`delete from ${sql.table(table)}`.execute(database.kysely);
      await sql`alter table ${sql.table(table)} enable trigger user`.execute(database.kysely);
    }
  });

  it("links every event to the one before it, and an untouched chain verifies", async () => {
    await recordAuditEvent(database.kysely, event(1));
    await recordAuditEvents(database.kysely, [event(2), event(3)]);
    const events = await listAuditEvents(database.kysely);
    const rows = await database.kysely.selectFrom("audit_event").select(["seq", "prev_hash", "hash"]).orderBy("seq").execute();
    expect(rows[0]?.prev_hash).toBeNull();
    expect(rows[1]?.prev_hash).toBe(rows[0]?.hash);
    expect(rows[2]?.prev_hash).toBe(rows[1]?.hash);
    expect(events.map((e) => e.vmName)).toEqual(["VM-1", "VM-1", "VM-1"]);
    expect(await verify()).toEqual({
      ...intact,
      checked: 3,
      checkpoint: null,
      anchor: null,
      summary: "3 events verified from the first event; no anchor yet, so removing the newest events would go unnoticed",
    });
  });

  it("hashes every new event with the audit key (v2): another key verifies none of them", async () => {
    const [id] = await recordAuditEvents(database.kysely, [event(1), event(2)]);
    const stored = await database.kysely.selectFrom("audit_event").select(["id", "key_id"]).orderBy("seq").execute();
    expect(stored.map((r) => r.key_id)).toEqual([key.keyId, key.keyId]);
    const other = auditSigningKey(randomBytes(32));
    const result = await verifyAuditChain(database.kysely, { signingKey: async () => other });
    expect(result.firstBroken).toMatchObject({ id, reason: `event hashed with another key (${key.keyId}, this one is ${other.keyId})` });
  });

  it("keeps one chain when many appends race (separate transactions and connections)", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => recordAuditEvent(database.kysely, event(i))));
    await database.kysely.transaction().execute(async (trx) => {
      await recordAuditEvents(trx, [event(100), event(101)]);
    });
    expect(await verify()).toMatchObject({ ok: true, checked: 22 });
  });

  it.each([
    ["a changed justification", sql`update audit_event set details = details || '{"justification":"nothing to see"}' where details->>'previousVersion' = '2'`, "hash mismatch"],
    ["a changed actor", sql`update audit_event set actor_name = 'Mallory' where details->>'previousVersion' = '2'`, "hash mismatch"],
    ["an earlier time", sql`update audit_event set at = at - interval '1 day' where details->>'previousVersion' = '2'`, "hash mismatch"],
  ])("names the first broken event after %s", async (_what, statement, reason) => {
    for (const n of [1, 2, 3]) await recordAuditEvent(database.kysely, event(n));
    const second = (await listAuditEvents(database.kysely))[1];
    expect(await verify()).toMatchObject({ ...intact, checked: 3 });
    await tamper(statement);
    expect(await verify()).toMatchObject({ ok: false, checked: 1, firstBroken: { seq: second?.seq, id: second?.id, reason }, missing: null });
  });

  it("names the event after a deleted one as a link mismatch", async () => {
    for (const n of [1, 2, 3]) await recordAuditEvent(database.kysely, event(n));
    const [, second, third] = await listAuditEvents(database.kysely);
    await tamper(sql`delete from audit_event where id = ${second?.id}`);
    const result = await verify();
    expect(result).toMatchObject({ ok: false, checked: 1, firstBroken: { seq: third?.seq, id: third?.id, reason: "link mismatch" } });
    expect(result.summary).toBe(`event seq ${third?.seq} (${third?.id}) is broken: link mismatch; 1 events before it verified from the first event`);
  });

  it("refuses DELETE outside pruning even with the prune setting session-wide elsewhere, and refuses changes to checkpoints", async () => {
    await recordAuditEvent(database.kysely, event(1));
    await expect(sql`delete from audit_event`.execute(database.kysely)).rejects.toThrow(/append-only: DELETE is not allowed/);
    await pruneAuditEvents(database.kysely, { retentionDays: 1, key, now: new Date(Date.now() + 2 * dayMs) });
    await expect(sql`update audit_checkpoint set count = 0`.execute(database.kysely)).rejects.toThrow(/audit_checkpoint is append-only: UPDATE/);
    await expect(sql`delete from audit_checkpoint`.execute(database.kysely)).rejects.toThrow(/audit_checkpoint is append-only: DELETE/);
    await expect(sql`truncate audit_checkpoint`.execute(database.kysely)).rejects.toThrow(/audit_checkpoint is append-only: TRUNCATE/);
  });

  it("lets the prune setting delete only what a checkpoint covers, and keeps anchors append-only", async () => {
    for (const n of [1, 2, 3]) await recordAuditEvent(database.kysely, event(n));
    await writeAuditAnchor(database.kysely, key, new Date());
    const second = (await listAuditEvents(database.kysely))[1];
    // Someone with the app's rights who sets the setting themselves: nothing is covered by a checkpoint.
    const pruneWithoutCheckpoint = (statement: ReturnType<typeof sql>) =>
      database.kysely.transaction().execute(async (trx) => {
        await sql`select set_config('portcullis.audit_prune', 'on', true)`.execute(trx);
        await statement.execute(trx);
      });
    await expect(pruneWithoutCheckpoint(sql`delete from audit_event where id = ${second?.id}`)).rejects.toThrow(/audit_event is append-only: DELETE/);
    await expect(pruneWithoutCheckpoint(sql`delete from audit_anchor`)).rejects.toThrow(/audit_anchor is append-only: DELETE/);
    await expect(sql`update audit_anchor set count = 0`.execute(database.kysely)).rejects.toThrow(/audit_anchor is append-only: UPDATE/);
    await expect(sql`truncate audit_anchor`.execute(database.kysely)).rejects.toThrow(/audit_anchor is append-only: TRUNCATE/);
    expect(await listAuditEvents(database.kysely)).toHaveLength(3);
    expect(await verify()).toMatchObject({ ...intact, checked: 3, anchor: { source: "database" } });
  });

  it("prunes the events past retention behind a signed checkpoint; the rest, and what follows, still verify", async () => {
    for (const n of [1, 2, 3]) await recordAuditEvent(database.kysely, event(n));
    const third = (await listAuditEvents(database.kysely))[2] as { at: Date; seq: number; hash: string };
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const n of [4, 5]) await recordAuditEvent(database.kysely, event(n));

    // A day after event 3 (plus 1 ms), a 1-day retention covers events 1 to 3 only.
    const now = new Date(third.at.getTime() + dayMs + 1);
    expect(await pruneAuditEvents(database.kysely, { retentionDays: 2, key, now })).toEqual({ pruned: 0, checkpoint: null });
    const result = await pruneAuditEvents(database.kysely, { retentionDays: 1, key, now });
    expect(result).toMatchObject({ pruned: 3, checkpoint: { seq: third.seq, hash: third.hash, count: 3, at: now } });
    expect((await listAuditEvents(database.kysely)).map((e) => e.details["previousVersion"])).toEqual([4, 5]);
    const [stored] = await database.kysely.selectFrom("audit_checkpoint").selectAll().execute();
    expect(stored).toMatchObject({ hash: third.hash, key_id: key.keyId });

    await recordAuditEvent(database.kysely, event(6));
    expect(await verify()).toMatchObject({ ...intact, checked: 3, checkpoint: { seq: third.seq, at: now.toISOString() } });
  });

  it("names the first event when events were deleted behind the trigger's back without a checkpoint", async () => {
    for (const n of [1, 2, 3]) await recordAuditEvent(database.kysely, event(n));
    const [first, second] = await listAuditEvents(database.kysely);
    await tamper(sql`delete from audit_event where id = ${first?.id}`);
    expect((await verify()).firstBroken).toEqual({ seq: second?.seq, id: second?.id, reason: "link mismatch" });
  });
});

describe("pruning on PGlite", () => {
  it("with every event past retention, the next event links to the checkpoint and the chain verifies", async () => {
    const database = await openDatabase({ kind: "pglite-memory" });
    try {
      await migrateToLatest(database);
      for (const n of [1, 2]) await recordAuditEvent(database.kysely, event(n));
      const result = await pruneAuditEvents(database.kysely, { retentionDays: 1, key, now: new Date(Date.now() + 2 * dayMs) });
      expect(result).toMatchObject({ pruned: 2, checkpoint: { count: 2 } });
      expect(await listAuditEvents(database.kysely)).toEqual([]);
      await recordAuditEvent(database.kysely, event(3));
      const [next] = await database.kysely.selectFrom("audit_event").select("prev_hash").execute();
      expect(next?.prev_hash).toBe(result.checkpoint?.hash);
      expect(await verifyAuditChain(database.kysely, { signingKey: async () => key })).toMatchObject({ ...intact, checked: 1 });
      // Someone who forges a checkpoint without the key is named.
      const other = auditSigningKey(randomBytes(32));
      expect((await verifyAuditChain(database.kysely, { signingKey: async () => other })).firstBroken).toMatchObject({
        seq: result.checkpoint?.seq,
        reason: expect.stringMatching(/^checkpoint signed with another key/),
      });
    } finally {
      await database.close();
    }
  });
});
