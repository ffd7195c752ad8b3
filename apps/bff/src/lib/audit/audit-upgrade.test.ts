import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { Migrator } from "kysely/migration";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { asDatabaseAttacker, rehashFrom } from "../../test-support/audit.ts";
import type { Database } from "../db/database.ts";
import { migrations } from "../db/migrations/index.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { testEngines } from "../../test-support/db-engines.ts";
import { writeAuditAnchor } from "./audit-anchors.ts";
import { hashEventV1 } from "./audit-chain.ts";
import { createAuditRecorder, listAuditEvents, type AuditEvent } from "./audit-events.ts";
import { auditSigningKey } from "./audit-signing.ts";
import { verifyAuditChain } from "./audit-verify.ts";

const vmId = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM-1";
const key = auditSigningKey(randomBytes(32));
const audit = createAuditRecorder(key);
const actor = { oid: "oid", name: "Alex Admin", ip: null };

/** A trail written by releases before the chain was keyed: events 1-3 unkeyed (v1), then the upgrade to 0008. */
describe.each(testEngines)("upgrading an audit trail to the keyed chain on $name", (engine) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let old: AuditEvent[];
  const verify = () => verifyAuditChain(database.kysely, { signingKey: async () => key });

  beforeAll(async () => {
    ({ database, cleanup } = await engine.open());
    const migrator = new Migrator({
      db: database.kysely,
      provider: { getMigrations: async () => migrations },
      ...(database.schema === undefined ? {} : { migrationTableSchema: database.schema }),
    });
    expect((await migrator.migrateTo("0005-access-grants")).error).toBeUndefined();
    // Written as 0004 stored them: database time to the microsecond, no hash; 0006 chains them (v1).
    for (const n of [1, 2, 3]) {
      await sql`insert into audit_event (id, actor_oid, actor_name, action, outcome, vm_id, details)
        values (gen_random_uuid(), 'oid', 'Alex Admin', 'policy.enabled', 'success', ${vmId.toLowerCase()}, ${JSON.stringify({ previousVersion: n })}::jsonb)`.execute(database.kysely);
    }
    await migrateToLatest(database);
    old = await listAuditEvents(database.kysely);
  });
  afterAll(async () => {
    await cleanup?.();
  });
  // Back to the trail as the upgrade left it (tests append, anchor and tamper).
  beforeEach(async () => {
    await asDatabaseAttacker(database.kysely, async (trx) => {
      await sql`delete from audit_anchor`.execute(trx);
      await sql`delete from audit_event where seq > ${old[2]?.seq}`.execute(trx);
      for (const e of old) await sql`update audit_event set actor_name = ${e.actor.name}, hash = ${e.hash}, key_id = null where id = ${e.id}`.execute(trx);
      await sql`update audit_event set prev_hash = null where id = ${old[0]?.id}`.execute(trx);
      for (const [i, e] of old.slice(1).entries()) await sql`update audit_event set prev_hash = ${old[i]?.hash} where id = ${e.id}`.execute(trx);
    });
  });

  it("keeps the old events unkeyed and unchanged, keys every new one, and the whole chain verifies", async () => {
    const before = await database.kysely.selectFrom("audit_event").select(["hash", "key_id"]).orderBy("seq").execute();
    expect(before.map((r) => r.key_id)).toEqual([null, null, null]);
    await writeAuditAnchor(database.kysely, key, new Date());
    await audit.record(database.kysely, { actor, action: "policy.edited", outcome: "success", vmId, details: { previousVersion: 4 } });
    const after = await database.kysely.selectFrom("audit_event").select(["hash", "key_id"]).orderBy("seq").execute();
    expect(after.slice(0, 3)).toEqual(before);
    expect(after[3]?.key_id).toBe(key.keyId);
    expect(await verify()).toMatchObject({ ok: true, checked: 4, firstBroken: null, missing: null, checkpoint: null, anchor: { seq: old[2]?.seq } });
    expect((await listAuditEvents(database.kysely)).map((e) => e.details["previousVersion"])).toEqual([1, 2, 3, 4]);
  });

  it("pins the old events with the first anchor: rewriting them unkeyed is caught where the anchor no longer matches", async () => {
    await writeAuditAnchor(database.kysely, key, new Date("2026-03-01T10:00:00.000Z"));
    await audit.record(database.kysely, { actor, action: "policy.edited", outcome: "success", vmId, details: {} });
    await asDatabaseAttacker(database.kysely, async (trx) => {
      await sql`update audit_event set actor_name = 'Mallory' where id = ${old[1]?.id}`.execute(trx);
      // The old events only: the keyed one after them cannot be re-hashed without the key.
      await rehashFrom(trx, old[1]?.seq as number, { kind: "unkeyed", markUnkeyed: true });
    });
    expect(await verify()).toMatchObject({ ok: false, firstBroken: { seq: old[2]?.seq, reason: "differs from the anchor of 2026-03-01T10:00:00.000Z" } });
  });

  it("refuses unkeyed events that no signed anchor pins: an attacker who rewrites them and deletes the anchors is caught", async () => {
    await writeAuditAnchor(database.kysely, key, new Date());
    await asDatabaseAttacker(database.kysely, async (trx) => {
      await sql`update audit_event set actor_name = 'Mallory' where id = ${old[1]?.id}`.execute(trx);
      await rehashFrom(trx, old[1]?.seq as number, { kind: "unkeyed", markUnkeyed: true });
      await sql`delete from audit_anchor`.execute(trx);
    });
    expect(await verify()).toMatchObject({ ok: false, checked: 0, firstBroken: { seq: old[0]?.seq, reason: "unkeyed (v1) event that no signed anchor pins (anyone with database access could have rewritten it)" } });
  });

  it("refuses an unkeyed event appended after the first anchor, where only keyed ones can be", async () => {
    await writeAuditAnchor(database.kysely, key, new Date());
    const head = old[2] as AuditEvent;
    await asDatabaseAttacker(database.kysely, async (trx) => {
      const content = { seq: head.seq + 1, id: crypto.randomUUID(), at: new Date(head.at.getTime() + 1), actorOid: "oid", actorName: "Mallory", actorIp: null, action: "policy.removed", outcome: "success", vmId: null, vmName: null, details: {}, error: null, correlationId: null, prevHash: head.hash };
      await trx
        .insertInto("audit_event")
        .values({ seq: String(content.seq), id: content.id, at: content.at, actor_oid: "oid", actor_name: "Mallory", action: "policy.removed", outcome: "success", details: "{}", prev_hash: head.hash, hash: hashEventV1(content) })
        .execute();
    });
    expect(await verify()).toMatchObject({ ok: false, checked: 3, firstBroken: { seq: head.seq + 1, reason: `unkeyed (v1) event after the first anchor (seq ${head.seq}), which pins the events from before the audit key` } });
  });
});
