import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testAudit, testAuditKey } from "../../test-support/audit.ts";
import { writeAuditAnchor } from "../audit/audit-anchors.ts";
import { pruneAuditEvents } from "../audit/audit-retention.ts";
import { verifyAuditChain } from "../audit/audit-verify.ts";
import { openDatabase, type Database } from "./database.ts";
import { migrateToLatest } from "./migrate.ts";
import { testPostgresUrl } from "../../test-support/db-engines.ts";

const grantsFile = new URL("../../../sql/app-role-grants.sql", import.meta.url);

/** The statements of the grants file as psql would run them with `-v app_role=<role>`. */
async function grantStatements(appRole: string): Promise<string[]> {
  const text = await readFile(grantsFile, "utf8");
  return text
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n")
    .replaceAll(':"app_role"', `"${appRole}"`)
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** The deployment apps/bff/README.md describes: tables owned by a migration role, the BFF connected as a role that owns nothing. */
describe("the BFF's PostgreSQL role, granted by sql/app-role-grants.sql", () => {
  const suffix = randomBytes(4).toString("hex");
  const owner = `portcullis_owner_${suffix}`;
  const app = `portcullis_app_${suffix}`;
  const databaseName = `portcullis_roles_${suffix}`;
  const password = randomBytes(12).toString("hex");
  let admin: Database;
  let asOwner: Database;
  let asApp: Database;
  const urlFor = (role: string) => {
    const url = new URL(testPostgresUrl);
    url.username = role;
    url.password = password;
    url.pathname = `/${databaseName}`;
    return url.href;
  };

  beforeAll(async () => {
    admin = await openDatabase({ kind: "postgres", url: testPostgresUrl });
    for (const role of [owner, app]) await sql`create role ${sql.id(role)} login password ${sql.lit(password)}`.execute(admin.kysely);
    await sql`create database ${sql.id(databaseName)} owner ${sql.id(owner)}`.execute(admin.kysely);
    asOwner = await openDatabase({ kind: "postgres", url: urlFor(owner) });
    await migrateToLatest(asOwner);
    for (const statement of await grantStatements(app)) await sql.raw(statement).execute(asOwner.kysely);
    asApp = await openDatabase({ kind: "postgres", url: urlFor(app) });
  });
  afterAll(async () => {
    await asApp?.close();
    await asOwner?.close();
    if (admin === undefined) return;
    try {
      await sql`drop database if exists ${sql.id(databaseName)} with (force)`.execute(admin.kysely);
      for (const role of [app, owner]) await sql`drop role if exists ${sql.id(role)}`.execute(admin.kysely);
    } finally {
      await admin.close();
    }
  });

  it("does the BFF's work: migrations find nothing to do, events are appended, anchored, pruned and verified", async () => {
    expect(await migrateToLatest(asApp)).toEqual([]);
    for (const n of [1, 2, 3]) await testAudit.record(asApp.kysely, { actor: { oid: "o", name: "Alex Admin", ip: null }, action: "policy.enabled", outcome: "success", details: { previousVersion: n } });
    expect(await writeAuditAnchor(asApp.kysely, testAuditKey, new Date())).toMatchObject({ count: "3" });
    expect(await pruneAuditEvents(asApp.kysely, { retentionDays: 1, key: testAuditKey, now: new Date(Date.now() + 2 * 86_400_000) })).toMatchObject({ pruned: 3 });
    await testAudit.record(asApp.kysely, { actor: { oid: "o", name: "Alex Admin", ip: null }, action: "policy.edited", outcome: "success", details: {} });
    expect(await verifyAuditChain(asApp.kysely, { signingKey: async () => testAuditKey })).toMatchObject({ ok: true, checked: 1 });
  });

  it.each([
    ["disabling the triggers", sql`alter table audit_event disable trigger user`, /must be owner of table audit_event/],
    ["replacing a trigger's function", sql`create or replace function audit_event_append_only() returns trigger language plpgsql as $$ begin return old; end $$`, /permission denied for schema public/],
    ["switching triggers off for the session", sql`set session_replication_role = replica`, /permission denied to set parameter "session_replication_role"/],
    ["truncating events", sql`truncate audit_event`, /permission denied for table audit_event/],
    ["editing an event", sql`update audit_event set actor_name = 'Mallory'`, /permission denied for table audit_event/],
    ["editing an anchor", sql`update audit_anchor set count = 0`, /permission denied for table audit_anchor/],
    ["deleting a checkpoint", sql`delete from audit_checkpoint`, /permission denied for table audit_checkpoint/],
    ["dropping the audit trail", sql`drop table audit_event`, /must be owner of table audit_event/],
  ])("refuses %s", async (_what, statement, error) => {
    await expect(statement.execute(asApp.kysely)).rejects.toThrow(error);
  });
});
