import type { Kysely } from "kysely";
import type { ActivityEvent, ActivityPageResponse, AuditVerifyResponse, VmActivitySummary } from "@portcullis/contract";
import { pruneAuditEvents, type PruneResult } from "../lib/audit/audit-retention.ts";
import type { AuditSigningKey } from "../lib/audit/audit-signing.ts";
import { verifyAuditChain } from "../lib/audit/audit-verify.ts";
import type { DatabaseSchema } from "../lib/db/schema.ts";
import type { ActivityFilter } from "./activity-filter.ts";
import { encodeCursor } from "./cursor.ts";
import { toActivityEvent } from "./event-mapping.ts";
import { createActivityRepository } from "./repository.ts";
import type { Visibility } from "./visibility.ts";

export interface ActivityService {
  page(filter: ActivityFilter, visibility: Visibility): Promise<ActivityPageResponse>;
  /** Every matching event, newest first, read in keyset batches as the consumer pulls (exports). */
  events(filter: ActivityFilter, visibility: Visibility): AsyncIterable<ActivityEvent>;
  /** Keyed by lower-cased VM id: approved requests in the last 7 days, last access and its user. */
  summaries(vmIds: readonly string[]): Promise<Map<string, VmActivitySummary>>;
  verify(): Promise<AuditVerifyResponse>;
  /** Prunes by the configured retention; null when events are kept forever. */
  prune(): Promise<PruneResult | null>;
}

export interface ActivityServiceDeps {
  db: Kysely<DatabaseSchema>;
  /** The checkpoint key (AUDIT_SIGNING_KEY or the one kept in DATA_DIR); loaded on first need. */
  signingKey: () => Promise<AuditSigningKey>;
  /** AUDIT_RETENTION_DAYS; undefined keeps events forever. */
  retentionDays: number | undefined;
  now?: () => Date;
  /** Rows per database read of an export. */
  exportBatchSize?: number;
}

const weekMs = 7 * 24 * 60 * 60 * 1000;

export function createActivityService(deps: ActivityServiceDeps): ActivityService {
  const repository = createActivityRepository(deps.db);
  const now = deps.now ?? (() => new Date());
  const batchSize = deps.exportBatchSize ?? 1000;
  let key: Promise<AuditSigningKey> | undefined;
  const signingKey = () => {
    key ??= deps.signingKey().catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };

  return {
    async page(filter, visibility) {
      const { pageSize, ...rest } = filter;
      // One more than a page tells whether another page exists without counting.
      const rows = await repository.page(rest, visibility, pageSize + 1);
      const items = rows.slice(0, pageSize).map(toActivityEvent);
      const last = rows.length > pageSize ? rows[pageSize - 1] : undefined;
      return { items, nextCursor: last === undefined ? null : encodeCursor({ at: new Date(last.at), seq: String(last.seq) }) };
    },

    async *events(filter, visibility) {
      const { pageSize: _ignored, cursor: _start, ...rest } = filter;
      let cursor: ActivityFilter["cursor"];
      for (;;) {
        const rows = await repository.page(cursor === undefined ? rest : { ...rest, cursor }, visibility, batchSize);
        for (const row of rows) yield toActivityEvent(row);
        const last = rows.at(-1);
        if (rows.length < batchSize || last === undefined) return;
        cursor = { at: new Date(last.at), seq: String(last.seq) };
      }
    },

    summaries: (vmIds) => repository.summaries(vmIds, new Date(now().getTime() - weekMs)),

    verify: () => verifyAuditChain(deps.db, { signingKey }),

    async prune() {
      if (deps.retentionDays === undefined) return null;
      return pruneAuditEvents(deps.db, { retentionDays: deps.retentionDays, key: await signingKey(), now: now() });
    },
  };
}
