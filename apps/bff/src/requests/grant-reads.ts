import type { Kysely } from "kysely";
import { vmWithin, type ScopeSet } from "../lib/auth/scope-filter.ts";
import { afterCursor, pageOf, type KeysetCursor } from "../lib/db/keyset-paging.ts";
import type { DatabaseSchema, GrantStatusValue } from "../lib/db/schema.ts";
import type { GrantRecord } from "./grant-record.ts";
import { toRecord } from "./grant-rows.ts";

export type GrantListStatus = "active" | "recent" | "all";

/** One page of a grant list, authorized in its query: rows the caller may not read never count towards a page. */
export interface GrantPageFilter {
  status: GrantListStatus;
  now: Date;
  vmId?: string;
  /** The caller: their own grants are always readable. */
  requesterOid: string;
  /** Besides their own, the grants of VMs in these scopes (where they hold jit.request.revoke.any); null: their own only. */
  vmScopes: ScopeSet | null;
  cursor?: KeysetCursor;
  pageSize: number;
}

/** Ended grants show under "recent" for this long. */
const recentMs = 7 * 24 * 3600_000;
const activeStatuses: GrantStatusValue[] = ["opening", "open", "closing"];

/** The grant component's reads (one grant, a page of a list, a requester's recent grants). */
export function createGrantReads(db: Kysely<DatabaseSchema>) {
  return {
    async get(id: string): Promise<GrantRecord | null> {
      const row = await db.selectFrom("jit_grant").selectAll().where("id", "=", id).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },

    /** Newest first by (created_at, id), after `filter.cursor`; `nextCursor` is null on the last page. */
    async page(filter: GrantPageFilter): Promise<{ records: GrantRecord[]; nextCursor: string | null }> {
      const { requesterOid, vmScopes } = filter;
      let query = db
        .selectFrom("jit_grant")
        .selectAll()
        .where((eb) => (vmScopes === null ? eb("requester_oid", "=", requesterOid) : eb.or([eb("requester_oid", "=", requesterOid), vmWithin("vm_id", vmScopes)])));
      if (filter.vmId !== undefined) query = query.where("vm_id", "=", filter.vmId.toLowerCase());
      if (filter.status === "active") query = query.where("status", "in", activeStatuses);
      if (filter.status === "recent") {
        const since = new Date(filter.now.getTime() - recentMs);
        query = query.where("status", "in", ["closed", "failed"]).where((eb) => eb(eb.fn.coalesce("closed_at", "created_at"), ">=", since));
      }
      if (filter.cursor !== undefined) query = query.where(afterCursor(filter.cursor));
      const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(filter.pageSize + 1).execute();
      const page = pageOf("grants", rows, filter.pageSize);
      return { records: page.rows.map(toRecord), nextCursor: page.nextCursor };
    },

    /** The requester's grants since `since` on VMs in `vmScopes` (what the reader may see), newest first, at most `limit`. */
    async recentOf(requesterOid: string, since: Date, vmScopes: ScopeSet, limit: number): Promise<GrantRecord[]> {
      const rows = await db
        .selectFrom("jit_grant")
        .selectAll()
        .where("requester_oid", "=", requesterOid)
        .where("created_at", ">=", since)
        .where(vmWithin("vm_id", vmScopes))
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
  };
}
