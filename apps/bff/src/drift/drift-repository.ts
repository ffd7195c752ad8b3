import type { VmDrift } from "@portcullis/contract";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../lib/db/schema.ts";

export interface StoredDrift {
  detectedAt: Date;
  findings: string[];
}

function findingsOf(value: unknown): string[] {
  const parsed: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(parsed) ? parsed.filter((f): f is string => typeof f === "string") : [];
}

/** The reconciler's last findings per VM (lower-cased id); a VM without drift has no row. */
export function createDriftRepository(db: Kysely<DatabaseSchema>) {
  return {
    async forVms(vmIds?: readonly string[]): Promise<Map<string, StoredDrift>> {
      let query = db.selectFrom("vm_drift").selectAll();
      if (vmIds !== undefined) {
        if (vmIds.length === 0) return new Map();
        query = query.where("vm_id", "in", vmIds.map((id) => id.toLowerCase()));
      }
      const rows = await query.execute();
      return new Map(rows.map((row) => [row.vm_id, { detectedAt: new Date(row.detected_at), findings: findingsOf(row.findings) }]));
    },

    /** What the inventory shows on each VM's row. */
    async rowsFor(vmIds: readonly string[]): Promise<Map<string, VmDrift>> {
      const stored = await this.forVms(vmIds);
      return new Map([...stored].map(([id, drift]) => [id, { detectedAt: drift.detectedAt.toISOString(), findings: drift.findings }]));
    },

    async set(vmId: string, drift: StoredDrift): Promise<void> {
      const values = { vm_id: vmId.toLowerCase(), detected_at: drift.detectedAt, findings: JSON.stringify(drift.findings) };
      await db
        .insertInto("vm_drift")
        .values(values)
        .onConflict((oc) => oc.column("vm_id").doUpdateSet({ detected_at: values.detected_at, findings: values.findings }))
        .execute();
    },

    async clear(vmIds: readonly string[]): Promise<void> {
      if (vmIds.length === 0) return;
      await db.deleteFrom("vm_drift").where("vm_id", "in", vmIds.map((id) => id.toLowerCase())).execute();
    },
  };
}

export type DriftRepository = ReturnType<typeof createDriftRepository>;
