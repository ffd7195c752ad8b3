import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { asDatabaseAttacker } from "../../test-support/audit.ts";
import type { Database } from "../db/database.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { testEngines } from "../../test-support/db-engines.ts";
import { writeAuditAnchor } from "./audit-anchors.ts";
import { createAuditRecorder, listAuditEvents, type AuditEventInput } from "./audit-events.ts";
import { pruneAuditEvents } from "./audit-retention.ts";
import { auditSigningKey } from "./audit-signing.ts";
import { verifyAuditChain } from "./audit-verify.ts";

const key = auditSigningKey(randomBytes(32));
const audit = createAuditRecorder(key);
const event = (n: number): AuditEventInput => ({ actor: { oid: "oid", name: "Alex Admin", ip: null }, action: "policy.enabled", outcome: "success", details: { previousVersion: n } });
const dayMs = 86_400_000;

describe.each(testEngines)("head anchors on $name", (engine) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  const verify = () => verifyAuditChain(database.kysely, { signingKey: async () => key });
  const anchorRows = () => database.kysely.selectFrom("audit_anchor").select(["seq", "hash", "count"]).orderBy("seq").execute();

  beforeAll(async () => {
    ({ database, cleanup } = await engine.open());
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await cleanup?.();
  });
  beforeEach(async () => {
    await asDatabaseAttacker(database.kysely, async (trx) => {
      for (const table of ["audit_event", "audit_anchor", "audit_checkpoint"]) await sql`delete from ${sql.table(table)}`.execute(trx);
    });
  });

  it("anchors the head only when events were appended since the last anchor, signed and counted", async () => {
    expect(await writeAuditAnchor(database.kysely, key, new Date())).toBeNull();
    await audit.recordAll(database.kysely, [event(1), event(2), event(3)]);
    const at = new Date("2026-03-01T10:00:00.000Z");
    const first = await writeAuditAnchor(database.kysely, key, at);
    const head = (await listAuditEvents(database.kysely)).at(-1);
    expect(first).toMatchObject({ seq: String(head?.seq), hash: head?.hash, count: "3", at, keyId: key.keyId });
    expect(first !== null && key.verify(first, first.signature, "anchor")).toBe(true);
    expect(await writeAuditAnchor(database.kysely, key, new Date())).toBeNull();
    await audit.record(database.kysely, event(4));
    expect(await writeAuditAnchor(database.kysely, key, new Date())).toMatchObject({ count: "4" });
    expect((await anchorRows()).map((a) => String(a.count))).toEqual(["3", "4"]);
  });

  it("counts pruned events too, prunes the anchors of the pruned prefix, and still finds a cut tail after pruning", async () => {
    for (const n of [1, 2, 3]) await audit.record(database.kysely, event(n));
    await writeAuditAnchor(database.kysely, key, new Date());
    const third = (await listAuditEvents(database.kysely))[2] as { at: Date; seq: number };
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const n of [4, 5]) await audit.record(database.kysely, event(n));
    await writeAuditAnchor(database.kysely, key, new Date());

    const pruned = await pruneAuditEvents(database.kysely, { retentionDays: 1, key, now: new Date(third.at.getTime() + dayMs + 1) });
    expect(pruned).toMatchObject({ pruned: 3, checkpoint: { seq: third.seq } });
    expect((await anchorRows()).map((a) => String(a.count))).toEqual(["5"]);
    await audit.record(database.kysely, event(6));
    expect(await writeAuditAnchor(database.kysely, key, new Date())).toMatchObject({ count: "6" });
    const sixth = (await listAuditEvents(database.kysely)).at(-1) as { seq: number; id: string };
    expect(await verify()).toMatchObject({ ok: true, checked: 3, checkpoint: { seq: third.seq }, anchor: { seq: sixth.seq } });

    await asDatabaseAttacker(database.kysely, (trx) => sql`delete from audit_event where id = ${sixth.id}`.execute(trx));
    const result = await verify();
    expect(result).toMatchObject({ ok: false, checked: 2, missing: { fromSeq: sixth.seq, toSeq: sixth.seq, events: 1 } });
    expect(result.summary).toMatch(new RegExp(`^event ${sixth.seq} is missing: the last anchor at .+ recorded seq ${sixth.seq}; 2 events before them verified from the checkpoint after seq ${third.seq}`));
  });

  it("keeps anchoring when a forged anchor row claims a later head (only an anchor this key signed covers the head)", async () => {
    await audit.recordAll(database.kysely, [event(1), event(2)]);
    const other = auditSigningKey(randomBytes(32));
    await writeAuditAnchor(database.kysely, other, new Date());
    await asDatabaseAttacker(database.kysely, (trx) => sql`update audit_anchor set seq = seq + 1000000`.execute(trx));
    expect(await writeAuditAnchor(database.kysely, key, new Date())).toMatchObject({ count: "2", keyId: key.keyId });
  });

  it("counts from the start again when the newest anchor is not this key's (it does not build on what it cannot trust)", async () => {
    const other = auditSigningKey(randomBytes(32));
    await audit.recordAll(database.kysely, [event(1), event(2)]);
    await writeAuditAnchor(database.kysely, other, new Date());
    await asDatabaseAttacker(database.kysely, (trx) => sql`update audit_anchor set count = 100`.execute(trx));
    await audit.record(database.kysely, event(3));
    expect(await writeAuditAnchor(database.kysely, key, new Date())).toMatchObject({ count: "3" });
  });
});
