import { roles, type Role } from "@portcullis/contract";
import { sql, type Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import { jsonValue } from "../db/row-values.ts";
import type { Principal } from "./principal.ts";

/**
 * The last claims Portcullis saw for each principal (table `principal`): tenant-wide roles and groups from their
 * most recent token. Re-authorizing someone who is not the caller (a requester when an approver approves) combines
 * these with the role assignments stored now, so a removed assignment counts at once; a tenant role removed in
 * Entra ID counts from that user's next sign-in.
 */
export interface PrincipalStore {
  /** Records what the token says now (writes only when something changed, or once an hour to keep `seen_at`). */
  remember(principal: Principal): Promise<void>;
  get(oid: string): Promise<Principal | null>;
  /** The principal whose user name is `username` (case-insensitive); null when none or several. */
  findByUsername(username: string): Promise<Principal | null>;
  /** Object ids of principals whose last token put them in `groupId`. */
  membersOf(groupId: string): Promise<string[]>;
}

/** A remembered principal is written again after this long even when nothing changed, so `seen_at` stays useful. */
const refreshMs = 60 * 60_000;

type Row = DatabaseSchema["principal"] extends infer T ? { [K in keyof T]: unknown } : never;

function rolesOf(value: unknown): Role[] {
  const list = jsonValue(value);
  return Array.isArray(list) ? roles.filter((role) => list.includes(role)) : [];
}

function groupsOf(value: unknown): string[] {
  const list = jsonValue(value);
  return Array.isArray(list) ? list.filter((g): g is string => typeof g === "string") : [];
}

function toPrincipal(row: Row): Principal {
  return {
    oid: String(row.oid),
    tenantId: String(row.tenant_id),
    name: String(row.name),
    username: String(row.username),
    tenantRoles: rolesOf(row.tenant_roles),
    ignoredRoles: [],
    groups: groupsOf(row.groups),
  };
}

function fingerprint(p: Principal): string {
  return JSON.stringify([p.tenantId, p.name, p.username, [...p.tenantRoles].sort(), [...p.groups].sort()]);
}

export function createPrincipalStore(db: Kysely<DatabaseSchema>, now: () => Date = () => new Date()): PrincipalStore {
  const written = new Map<string, { fingerprint: string; at: number }>();
  return {
    async remember(principal) {
      const print = fingerprint(principal);
      const at = now();
      const last = written.get(principal.oid);
      if (last !== undefined && last.fingerprint === print && at.getTime() - last.at < refreshMs) return;
      const values = {
        tenant_id: principal.tenantId,
        name: principal.name,
        username: principal.username,
        tenant_roles: JSON.stringify(principal.tenantRoles),
        groups: JSON.stringify(principal.groups),
        seen_at: at,
      };
      await db
        .insertInto("principal")
        .values({ oid: principal.oid.toLowerCase(), ...values })
        .onConflict((oc) => oc.column("oid").doUpdateSet(values))
        .execute();
      written.set(principal.oid, { fingerprint: print, at: at.getTime() });
    },
    async get(oid) {
      const row = await db.selectFrom("principal").selectAll().where("oid", "=", oid.toLowerCase()).executeTakeFirst();
      return row === undefined ? null : toPrincipal(row);
    },
    async findByUsername(username) {
      const rows = await db
        .selectFrom("principal")
        .selectAll()
        .where(sql<string>`lower(username)`, "=", username.trim().toLowerCase())
        .limit(2)
        .execute();
      return rows.length === 1 && rows[0] !== undefined ? toPrincipal(rows[0]) : null;
    },
    async membersOf(groupId) {
      const rows = await db
        .selectFrom("principal")
        .select("oid")
        .where(sql<boolean>`groups @> ${JSON.stringify([groupId.toLowerCase()])}::jsonb`)
        .execute();
      return rows.map((row) => row.oid);
    },
  };
}
