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
  /** The VM's region (Defender's export groups by resource group and region). */
  location: Generated<string>;
  /** JSON array of the NSG ids that held the VM's rules when the policy was last saved. */
  nsg_ids: ColumnType<unknown, string | undefined, string>;
}

export interface RoleAssignmentTable {
  id: string;
  principal_type: "user" | "group";
  /** Lower-cased object id of the user or group. */
  principal_id: string;
  principal_name: string;
  role: "Admin" | "Requester" | "Approver" | "Auditor";
  /** Lower-cased scope path (`/`, `/subscriptions/{id}`, ...). */
  scope: string;
  created_at: Timestamp;
  created_by_oid: string;
  created_by_name: string;
}

/** Append-only (a trigger refuses UPDATE, DELETE and TRUNCATE); written through lib/audit. */
export interface AuditEventTable {
  id: string;
  /** Insertion order (int8: a string from PostgreSQL). */
  seq: ColumnType<string, never, never>;
  at: Timestamp;
  actor_oid: string;
  actor_name: string;
  actor_ip: string | null;
  action: string;
  outcome: "success" | "failure";
  /** Lower-cased ARM id of the VM the event is about. */
  vm_id: string | null;
  details: ColumnType<unknown, string | undefined, never>;
  error: string | null;
  correlation_id: string | null;
}

/** Every table the BFF owns, as Kysely sees them. */
export interface DatabaseSchema {
  jit_policy: JitPolicyTable;
  role_assignment: RoleAssignmentTable;
  audit_event: AuditEventTable;
}
