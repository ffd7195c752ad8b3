import { sql, type ExpressionBuilder, type Kysely } from "kysely";
import type { VmActivitySummary } from "@portcullis/contract";
import { vmWithin } from "../lib/auth/scope-filter.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import type { ActivityFilter } from "./activity-filter.ts";
import { eventColumns, type EventRow } from "./event-mapping.ts";
import type { Visibility } from "./visibility.ts";

export interface ActivityRepository {
  /** Up to `limit` events matching the filter and visible to the caller, newest first, after `filter.cursor`. */
  page(filter: Omit<ActivityFilter, "pageSize">, visibility: Visibility, limit: number): Promise<EventRow[]>;
  /**
   * Per VM (lower-cased id): `request.opened` successes since `since`, and the latest one's time and user.
   * One query for all the VMs of an inventory page.
   */
  summaries(vmIds: readonly string[], since: Date): Promise<Map<string, VmActivitySummary>>;
}

function visible(eb: ExpressionBuilder<DatabaseSchema, "audit_event">, visibility: Visibility) {
  if (visibility.kind === "all") return eb.lit(true);
  return eb.or([
    vmWithin("vm_id", { kind: "some", scopes: visibility.vmScopes }),
    ...(visibility.actorOid === null ? [] : [eb("actor_oid", "=", visibility.actorOid)]),
  ]);
}

interface SummaryRow {
  vm_id: string;
  approved: string | number;
  last_at: Date | null;
  last_user: string | null;
}

export function createActivityRepository(db: Kysely<DatabaseSchema>): ActivityRepository {
  return {
    async page(filter, visibility, limit) {
      let query = db.selectFrom("audit_event").select(eventColumns).where((eb) => visible(eb, visibility));
      if (filter.from !== undefined) query = query.where("at", ">=", filter.from);
      if (filter.to !== undefined) query = query.where("at", "<=", filter.to);
      if (filter.vmId !== undefined) query = query.where("vm_id", "=", filter.vmId);
      if (filter.userId !== undefined) query = query.where("actor_oid", "=", filter.userId);
      if (filter.action !== undefined) query = query.where("action", "=", filter.action);
      if (filter.outcome !== undefined) query = query.where("outcome", "=", filter.outcome);
      if (filter.correlationId !== undefined) query = query.where("correlation_id", "=", filter.correlationId);
      if (filter.search !== undefined) query = query.where(sql<boolean>`search @@ to_tsquery('simple', ${filter.search})`);
      if (filter.cursor !== undefined) {
        query = query.where(sql<boolean>`(at, seq) < (${filter.cursor.at.toISOString()}::timestamptz, ${filter.cursor.seq}::bigint)`);
      }
      const rows = await query.orderBy("at", "desc").orderBy("seq", "desc").limit(limit).execute();
      return rows as EventRow[];
    },

    async summaries(vmIds, since) {
      const ids = [...new Set(vmIds.map((id) => id.toLowerCase()))];
      if (ids.length === 0) return new Map();
      const { rows } = await sql<SummaryRow>`
        select v.vm_id,
          (select count(*) from audit_event c
            where c.vm_id = v.vm_id and c.action = 'request.opened' and c.outcome = 'success' and c.at >= ${since.toISOString()}::timestamptz) as approved,
          l.at as last_at,
          l.last_user
        from (values ${sql.join(ids.map((id) => sql`(${id}::text)`))}) as v(vm_id)
        left join lateral (
          select e.at, coalesce(e.details->'requester'->>'name', e.actor_name) as last_user
          from audit_event e
          where e.vm_id = v.vm_id and e.action = 'request.opened' and e.outcome = 'success'
          order by e.at desc
          limit 1
        ) l on true`.execute(db);
      return new Map(
        rows.map((r) => [
          r.vm_id,
          { approvedLast7Days: Number(r.approved), lastAccessAt: r.last_at === null ? null : new Date(r.last_at).toISOString(), lastUser: r.last_user },
        ]),
      );
    },
  };
}
