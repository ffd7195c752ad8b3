import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../lib/db/schema.ts";

/** What the inventory needs from storage: which VMs have a JIT policy. */
export interface PolicyIdsRepository {
  /** Lower-cased ARM ids of every VM with a JIT policy. */
  listPolicyVmIds(): Promise<Set<string>>;
}

export function createPolicyIdsRepository(db: Kysely<DatabaseSchema>): PolicyIdsRepository {
  return {
    async listPolicyVmIds() {
      const rows = await db.selectFrom("jit_policy").select("vm_id").execute();
      return new Set(rows.map((row) => row.vm_id.toLowerCase()));
    },
  };
}
