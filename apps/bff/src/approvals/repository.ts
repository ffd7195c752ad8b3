import { ApprovalSettingsSchema, JitProtocolSchema, type AccessRequestStatus, type ApprovalSettings } from "@portcullis/contract";
import type { GrantPort } from "@portcullis/core";
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import type { AccessRequestDecisionTable, AccessRequestTable, DatabaseSchema } from "../lib/db/schema.ts";
import { vmWithin, type ScopeSet } from "../lib/auth/scope-filter.ts";
import { afterCursor, pageOf, type KeysetCursor } from "../lib/db/keyset-paging.ts";
import { dateValue, jsonValue } from "../lib/db/row-values.ts";
import { listFilterSql, type AccessRequestListFilter } from "./list-filters.ts";

/** One approver's decision. */
export interface DecisionRecord {
  approverOid: string;
  approverName: string;
  decision: "approve" | "deny";
  comment: string | null;
  at: Date;
}

/** An access request as stored (one `access_request` row and its decisions). */
export interface AccessRequestRecord {
  id: string;
  /** Lower-cased ARM id. */
  vmId: string;
  vmName: string;
  resourceGroup: string;
  subscriptionId: string;
  requesterOid: string;
  requesterName: string;
  requesterUsername: string;
  requesterIp: string | null;
  ports: GrantPort[];
  sourcePrefixes: string[];
  durationMinutes: number;
  justification: string | null;
  status: AccessRequestStatus;
  /** The policy's approval rule when the request was made. */
  approval: ApprovalSettings;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  breakGlass: boolean;
  review: { byOid: string; byName: string; comment: string; at: Date } | null;
  grantId: string | null;
  error: string | null;
  correlationId: string | null;
  decisions: DecisionRecord[];
}

type Db = Kysely<DatabaseSchema>;

const PortsSchema = z.array(z.object({ port: z.number().int(), protocol: JitProtocolSchema }));
const StringsSchema = z.array(z.string());

function toDecision(row: Selectable<AccessRequestDecisionTable>): DecisionRecord {
  return { approverOid: row.approver_oid, approverName: row.approver_name, decision: row.decision, comment: row.comment, at: dateValue(row.at) };
}

/** Rows are written only here; one that no longer parses is a bug worth failing on. */
function toRecord(row: Selectable<AccessRequestTable>, decisions: DecisionRecord[]): AccessRequestRecord {
  return {
    id: row.id,
    vmId: row.vm_id,
    vmName: row.vm_name,
    resourceGroup: row.resource_group,
    subscriptionId: row.subscription_id,
    requesterOid: row.requester_oid,
    requesterName: row.requester_name,
    requesterUsername: row.requester_username,
    requesterIp: row.requester_ip,
    ports: PortsSchema.parse(jsonValue(row.ports)),
    sourcePrefixes: StringsSchema.parse(jsonValue(row.source_prefixes)),
    durationMinutes: row.duration_minutes,
    justification: row.justification,
    status: row.status,
    approval: ApprovalSettingsSchema.parse(jsonValue(row.approval)),
    createdAt: dateValue(row.created_at),
    expiresAt: dateValue(row.expires_at),
    decidedAt: row.decided_at === null ? null : dateValue(row.decided_at),
    breakGlass: row.break_glass,
    review:
      row.reviewed_at === null || row.reviewed_by_oid === null
        ? null
        : { byOid: row.reviewed_by_oid, byName: row.reviewed_by_name ?? row.reviewed_by_oid, comment: row.review_comment ?? "", at: dateValue(row.reviewed_at) },
    grantId: row.grant_id,
    error: row.error,
    correlationId: row.correlation_id,
    decisions,
  };
}

function toRow(record: AccessRequestRecord) {
  return {
    id: record.id,
    vm_id: record.vmId.toLowerCase(),
    vm_name: record.vmName,
    resource_group: record.resourceGroup,
    subscription_id: record.subscriptionId,
    requester_oid: record.requesterOid,
    requester_name: record.requesterName,
    requester_username: record.requesterUsername,
    requester_ip: record.requesterIp,
    ports: JSON.stringify(record.ports),
    source_prefixes: JSON.stringify(record.sourcePrefixes),
    duration_minutes: record.durationMinutes,
    justification: record.justification,
    status: record.status,
    approval: JSON.stringify(record.approval),
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    decided_at: record.decidedAt,
    break_glass: record.breakGlass,
    grant_id: record.grantId,
    error: record.error,
    correlation_id: record.correlationId,
  };
}

async function withDecisions(db: Db, rows: Selectable<AccessRequestTable>[]): Promise<AccessRequestRecord[]> {
  if (rows.length === 0) return [];
  const decisionRows = await db
    .selectFrom("access_request_decision")
    .selectAll()
    .where("request_id", "in", rows.map((r) => r.id))
    .orderBy("at")
    .execute();
  const byRequest = new Map<string, DecisionRecord[]>();
  for (const row of decisionRows) byRequest.set(row.request_id, [...(byRequest.get(row.request_id) ?? []), toDecision(row)]);
  return rows.map((row) => toRecord(row, byRequest.get(row.id) ?? []));
}

/** Stores access requests and decisions. Decisions on one request are serialised by a row lock (`lockPending`). */
export function createAccessRequestRepository(db: Db) {
  return {
    /** Inserts a request, in `trx` when given (with the grant it opened, for break-glass). */
    async insert(record: AccessRequestRecord, trx: Db = db): Promise<void> {
      await trx.insertInto("access_request").values(toRow(record)).execute();
    },

    async get(id: string, trx: Db = db): Promise<AccessRequestRecord | null> {
      const row = await trx.selectFrom("access_request").selectAll().where("id", "=", id).executeTakeFirst();
      if (row === undefined) return null;
      return (await withDecisions(trx, [row]))[0] ?? null;
    },

    /** Locks the request's row for the rest of `trx` (FOR UPDATE), then reads it with its decisions. */
    async lockForDecision(trx: Db, id: string): Promise<AccessRequestRecord | null> {
      const row = await trx.selectFrom("access_request").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
      if (row === undefined) return null;
      return (await withDecisions(trx, [row]))[0] ?? null;
    },

    async insertDecision(trx: Db, requestId: string, decision: DecisionRecord): Promise<void> {
      await trx
        .insertInto("access_request_decision")
        .values({ request_id: requestId, approver_oid: decision.approverOid.toLowerCase(), approver_name: decision.approverName, decision: decision.decision, comment: decision.comment, at: decision.at })
        .execute();
    },

    async setStatus(trx: Db, id: string, change: { status: AccessRequestStatus; decidedAt?: Date | null; grantId?: string | null; error?: string | null }): Promise<void> {
      await trx
        .updateTable("access_request")
        .set({
          status: change.status,
          ...(change.decidedAt === undefined ? {} : { decided_at: change.decidedAt }),
          ...(change.grantId === undefined ? {} : { grant_id: change.grantId }),
          ...(change.error === undefined ? {} : { error: change.error }),
        })
        .where("id", "=", id)
        .execute();
    },

    async setReview(trx: Db, id: string, review: { byOid: string; byName: string; comment: string; at: Date }): Promise<void> {
      await trx
        .updateTable("access_request")
        .set({ reviewed_at: review.at, reviewed_by_oid: review.byOid, reviewed_by_name: review.byName, review_comment: review.comment })
        .where("id", "=", id)
        .execute();
    },

    /** Every pending request of one requester (no cap: a role removal must reach them all). */
    async pendingFor(requesterOid: string): Promise<AccessRequestRecord[]> {
      const rows = await db.selectFrom("access_request").selectAll().where("requester_oid", "=", requesterOid.toLowerCase()).where("status", "=", "pending").orderBy("created_at").execute();
      return withDecisions(db, rows);
    },

    /**
     * One page of a list, newest first by (created_at, id), after `cursor`: the filter is the caller's
     * authorization, so rows they may not see never take a place on a page.
     */
    async page(filter: AccessRequestListFilter, cursor: KeysetCursor | undefined, pageSize: number): Promise<{ records: AccessRequestRecord[]; nextCursor: string | null }> {
      let query = db.selectFrom("access_request").selectAll().where(listFilterSql(filter));
      if (cursor !== undefined) query = query.where(afterCursor(cursor));
      const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(pageSize + 1).execute();
      const page = pageOf("access-requests", rows, pageSize);
      return { records: await withDecisions(db, page.rows), nextCursor: page.nextCursor };
    },

    /**
     * Pending requests past their wait, turned `lapsed` in `trx` (one UPDATE: each lapses once, whichever
     * replica runs it); returns them.
     */
    async lapseDue(trx: Db, now: Date, limit: number): Promise<AccessRequestRecord[]> {
      const due = trx.selectFrom("access_request").select("id").where("status", "=", "pending").where("expires_at", "<=", now).orderBy("expires_at").limit(limit).forUpdate().skipLocked();
      const rows = await trx.updateTable("access_request").set({ status: "lapsed", decided_at: now }).where("id", "in", due).returningAll().execute();
      return withDecisions(trx, rows);
    },

    /** The requester's outcomes over the period on VMs in `vmScopes` (what the reader may see): for approvers' context. */
    async countsFor(requesterOid: string, since: Date, vmScopes: ScopeSet): Promise<{ opened: number; denied: number; lapsed: number; cancelled: number; breakGlass: number }> {
      const rows = await db
        .selectFrom("access_request")
        .select(["status", "break_glass"])
        .select((eb) => eb.fn.countAll<string | number>().as("n"))
        .where("requester_oid", "=", requesterOid)
        .where("created_at", ">=", since)
        .where(vmWithin("vm_id", vmScopes))
        .groupBy(["status", "break_glass"])
        .execute();
      const counts = { opened: 0, denied: 0, lapsed: 0, cancelled: 0, breakGlass: 0 };
      for (const row of rows) {
        const n = Number(row.n);
        if (row.break_glass) counts.breakGlass += n;
        if (row.status === "opened" || row.status === "denied" || row.status === "lapsed" || row.status === "cancelled") counts[row.status] += n;
      }
      return counts;
    },
  };
}

export type AccessRequestRepository = ReturnType<typeof createAccessRequestRepository>;
