import { ApprovalSettingsSchema, DefenderRequestPortSchema, JustificationRuleSchema, PolicyPortSchema, type ApprovalSettings, type JustificationRule, type PolicyPort } from "@portcullis/contract";
import { sql, type Kysely, type Selectable } from "kysely";
import { z } from "zod";
import type { DatabaseSchema, JitPolicyTable } from "../lib/db/schema.ts";
import type { HistoricalRequestPart, PolicyRecord } from "./policy-mapping.ts";
import { jsonValue } from "../lib/db/row-values.ts";

/** What a save writes for one VM; created_*, updated_at and version are the repository's. */
export interface PolicyWrite {
  vmId: string;
  subscriptionId: string;
  resourceGroup: string;
  vmName: string;
  location: string;
  ports: PolicyPort[];
  nsgIds: string[];
  /** Absent keeps the stored value (false for a new policy). */
  justificationRequired?: boolean;
  /** The justification rule: an object sets it, null removes it, absent keeps the stored value (none for a new policy). */
  justificationRule?: JustificationRule | null;
  /** The approval rule: an object sets it, null removes it, absent keeps the stored value (none for a new policy). */
  approval?: ApprovalSettings | null;
  /** Break-glass allowed; absent keeps the stored value (false for a new policy). */
  breakGlass?: boolean;
  /** End live sessions (set the NSGs' flushConnection); absent keeps the stored value (false for a new policy). */
  endLiveSessions?: boolean;
  /** What each NSG's flushConnection was before the policy set it; absent keeps the stored record ({} for a new policy). */
  flushPrevious?: Record<string, boolean>;
  /** Request history imported from Defender: replaces the stored one; absent keeps it ([] for a new policy). */
  requestHistory?: HistoricalRequestPart[];
}

export type InTransaction = (trx: Kysely<DatabaseSchema>) => Promise<void>;

export interface PolicyRepository {
  list(): Promise<PolicyRecord[]>;
  get(vmId: string): Promise<PolicyRecord | null>;
  /** Keyed by lower-cased VM id; VMs without a policy are absent. */
  getMany(vmIds: readonly string[]): Promise<Map<string, PolicyRecord>>;
  /**
   * Creates or replaces the policies in one transaction (version + 1 on replace); returns them as stored.
   * `alsoIn` runs in the same transaction (the audit events), so both are stored or neither.
   */
  save(writes: readonly PolicyWrite[], actor: string, alsoIn?: InTransaction): Promise<PolicyRecord[]>;
  /** Deletes the policies of these VMs in one transaction, with `alsoIn`. */
  delete(vmIds: readonly string[], alsoIn?: InTransaction): Promise<void>;
}

const StoredRulesSchema = z.array(PolicyPortSchema);
const StoredNsgIdsSchema = z.array(z.string());
const StoredFlushSchema = z.record(z.string(), z.boolean());
const StoredHistorySchema = z.array(
  z.object({
    request: z.string(),
    vmIndex: z.number().int(),
    startTimeUtc: z.string(),
    requestor: z.string(),
    justification: z.string().optional(),
    ports: z.array(DefenderRequestPortSchema),
  }),
);

function toRecord(row: Selectable<JitPolicyTable>): PolicyRecord {
  return {
    vmId: row.vm_id,
    subscriptionId: row.subscription_id,
    resourceGroup: row.resource_group,
    vmName: row.vm_name,
    location: row.location,
    // Rows are written only by this repository; a row that no longer parses is a bug worth failing on.
    ports: StoredRulesSchema.parse(jsonValue(row.rules)),
    nsgIds: StoredNsgIdsSchema.parse(jsonValue(row.nsg_ids)),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    version: row.version,
    justificationRequired: row.justification_required,
    justificationRule: row.justification_rule === null || row.justification_rule === undefined ? null : JustificationRuleSchema.parse(jsonValue(row.justification_rule)),
    approval: row.approval === null || row.approval === undefined ? null : ApprovalSettingsSchema.parse(jsonValue(row.approval)),
    breakGlass: row.break_glass,
    endLiveSessions: row.end_live_sessions,
    flushPrevious: StoredFlushSchema.parse(jsonValue(row.flush_previous)),
    requestHistory: StoredHistorySchema.parse(jsonValue(row.request_history)).map(({ justification, ...part }) => ({ ...part, ...(justification === undefined ? {} : { justification }) })),
  };
}

export function createPolicyRepository(db: Kysely<DatabaseSchema>): PolicyRepository {
  return {
    async list() {
      const rows = await db.selectFrom("jit_policy").selectAll().orderBy("subscription_id").orderBy("resource_group").orderBy("vm_name").execute();
      return rows.map(toRecord);
    },
    async get(vmId) {
      const row = await db.selectFrom("jit_policy").selectAll().where("vm_id", "=", vmId.toLowerCase()).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
    async getMany(vmIds) {
      if (vmIds.length === 0) return new Map();
      const keys = [...new Set(vmIds.map((id) => id.toLowerCase()))];
      const rows = await db.selectFrom("jit_policy").selectAll().where("vm_id", "in", keys).execute();
      return new Map(rows.map((row) => [row.vm_id, toRecord(row)]));
    },
    async save(writes, actor, alsoIn) {
      if (writes.length === 0) return [];
      return db.transaction().execute(async (trx) => {
        const saved: PolicyRecord[] = [];
        for (const write of writes) {
          const values = {
            vm_id: write.vmId.toLowerCase(),
            subscription_id: write.subscriptionId,
            resource_group: write.resourceGroup,
            vm_name: write.vmName,
            location: write.location,
            rules: JSON.stringify(write.ports),
            nsg_ids: JSON.stringify(write.nsgIds),
            created_by: actor,
            updated_by: actor,
            justification_required: write.justificationRequired ?? false,
            justification_rule: write.justificationRule === undefined || write.justificationRule === null ? null : JSON.stringify(write.justificationRule),
            approval: write.approval === undefined || write.approval === null ? null : JSON.stringify(write.approval),
            break_glass: write.breakGlass ?? false,
            end_live_sessions: write.endLiveSessions ?? false,
            flush_previous: JSON.stringify(write.flushPrevious ?? {}),
            request_history: JSON.stringify(write.requestHistory ?? []),
          };
          const row = await trx
            .insertInto("jit_policy")
            .values(values)
            .onConflict((oc) =>
              oc.column("vm_id").doUpdateSet({
                subscription_id: values.subscription_id,
                resource_group: values.resource_group,
                vm_name: values.vm_name,
                location: values.location,
                rules: values.rules,
                nsg_ids: values.nsg_ids,
                justification_required: write.justificationRequired ?? sql<boolean>`jit_policy.justification_required`,
                justification_rule: write.justificationRule === undefined ? sql<string | null>`jit_policy.justification_rule` : values.justification_rule,
                approval: write.approval === undefined ? sql<string | null>`jit_policy.approval` : values.approval,
                break_glass: write.breakGlass ?? sql<boolean>`jit_policy.break_glass`,
                end_live_sessions: write.endLiveSessions ?? sql<boolean>`jit_policy.end_live_sessions`,
                flush_previous: write.flushPrevious === undefined ? sql<string>`jit_policy.flush_previous` : values.flush_previous,
                request_history: write.requestHistory === undefined ? sql<string>`jit_policy.request_history` : values.request_history,
                updated_by: actor,
                updated_at: sql<Date>`now()`,
                version: sql<number>`jit_policy.version + 1`,
              }),
            )
            .returningAll()
            .executeTakeFirstOrThrow();
          saved.push(toRecord(row));
        }
        await alsoIn?.(trx);
        return saved;
      });
    },
    async delete(vmIds, alsoIn) {
      if (vmIds.length === 0) return;
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("jit_policy").where("vm_id", "in", vmIds.map((id) => id.toLowerCase())).execute();
        await alsoIn?.(trx);
      });
    },
  };
}
