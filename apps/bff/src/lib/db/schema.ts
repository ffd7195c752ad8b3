import type { ColumnType, Generated } from "kysely";

/** Timestamps come back from both engines as Date; we write Date or let the default fill them. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface JitPolicyTable {
  /** Lower-cased ARM id of the VM. */
  vm_id: string;
  subscription_id: string;
  resource_group: string;
  vm_name: string;
  /** The policy's port rules; the policy feature owns their shape. */
  rules: ColumnType<unknown, string, string>;
  created_at: Timestamp;
  created_by: string;
  updated_at: Timestamp;
  updated_by: string;
  version: Generated<number>;
}

/** Every table the BFF owns, as Kysely sees them. */
export interface DatabaseSchema {
  jit_policy: JitPolicyTable;
}
