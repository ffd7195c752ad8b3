import type { Kysely } from "kysely";
import type { ActivityEvent, ActivityPageResponse, AuditVerifyResponse, VmActivitySummary } from "@portcullis/contract";
import { appendAnchorFile, writeAuditAnchor, type AuditAnchor } from "../lib/audit/audit-anchors.ts";
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
  /** Verifies the chain against the database's anchors and the anchor file (when configured). */
  verify(): Promise<AuditVerifyResponse>;
  /** Prunes by the configured retention; null when events are kept forever. */
  prune(): Promise<PruneResult | null>;
  /**
   * Anchors the chain's head when events were appended since the last anchor (null otherwise), and appends the
   * anchors this process wrote to the anchor file; one the file missed (it could not be written) goes with the next.
   */
  anchor(): Promise<AuditAnchor | null>;
  /**
   * The key id of the newest keyed event when it is not this BFF's key: another replica with another key, or a
   * changed key (either leaves events that one key cannot verify). Null when the trail agrees or has no keyed event.
   */
  foreignKeyId(): Promise<string | null>;
}

export interface ActivityServiceDeps {
  db: Kysely<DatabaseSchema>;
  /** The audit key (AUDIT_SIGNING_KEY or the one kept in DATA_DIR): checkpoints, anchors and keyed event hashes. */
  key: AuditSigningKey;
  /** AUDIT_RETENTION_DAYS; undefined keeps events forever. */
  retentionDays: number | undefined;
  /** AUDIT_ANCHOR_FILE; undefined keeps anchors in the database only. */
  anchorFile?: string | undefined;
  now?: () => Date;
  /** Rows per database read of an export. */
  exportBatchSize?: number;
}

const weekMs = 7 * 24 * 60 * 60 * 1000;

export function createActivityService(deps: ActivityServiceDeps): ActivityService {
  const repository = createActivityRepository(deps.db);
  const now = deps.now ?? (() => new Date());
  const batchSize = deps.exportBatchSize ?? 1000;
  const { key, anchorFile } = deps;
  let unexported: AuditAnchor[] = [];

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

    verify: () => verifyAuditChain(deps.db, { signingKey: async () => key, anchorFiles: anchorFile === undefined ? [] : [anchorFile] }),

    async prune() {
      if (deps.retentionDays === undefined) return null;
      return pruneAuditEvents(deps.db, { retentionDays: deps.retentionDays, key, now: now() });
    },

    async anchor() {
      const anchor = await writeAuditAnchor(deps.db, key, now());
      if (anchor !== null) unexported.push(anchor);
      if (anchorFile !== undefined) {
        // Opened even with nothing to add: the file exists from the first start, so verification can insist on it.
        await appendAnchorFile(anchorFile, unexported);
      }
      unexported = [];
      return anchor;
    },

    async foreignKeyId() {
      const newest = await deps.db.selectFrom("audit_event").select("key_id").where("key_id", "is not", null).orderBy("seq", "desc").limit(1).executeTakeFirst();
      const keyId = newest?.key_id ?? null;
      return keyId === key.keyId ? null : keyId;
    },
  };
}
