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
  justification_required: Generated<boolean>;
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

/** Append-only (a trigger refuses UPDATE, DELETE but pruning, and TRUNCATE) and hash-chained; written through lib/audit. */
export interface AuditEventTable {
  id: string;
  /** Insertion order (int8: a string from PostgreSQL); lib/audit takes it from the sequence under the chain lock. */
  seq: ColumnType<string, string, never>;
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
  /** The VM's name when the event was recorded. */
  vm_name: string | null;
  /** The previous event's hash (null for the first event ever). */
  prev_hash: string | null;
  /** SHA-256 (hex) over this event's content and prev_hash (lib/audit/audit-chain.ts). */
  hash: string;
}

/** Signed record of pruned audit events: verification of the chain starts from the latest one. Append-only. */
export interface AuditCheckpointTable {
  id: string;
  /** seq and hash of the last pruned event. */
  seq: ColumnType<string, string, never>;
  hash: string;
  /** Events this pruning removed. */
  count: ColumnType<string, string | number, never>;
  at: Timestamp;
  /** First 16 hex digits of SHA-256 of the signing key, to tell a wrong key from a forged checkpoint. */
  key_id: string;
  /** HMAC-SHA256 (hex) over the checkpoint's fields (lib/audit/audit-signing.ts). */
  signature: string;
}

export type GrantStatusValue = "opening" | "open" | "closing" | "closed" | "failed";

/** One access grant and its schedule (written by src/requests and src/scheduler). */
export interface JitGrantTable {
  id: string;
  /** Lower-cased ARM id of the VM. */
  vm_id: string;
  vm_name: string;
  resource_group: string;
  subscription_id: string;
  requester_oid: string;
  requester_name: string;
  requester_ip: string | null;
  ports: ColumnType<unknown, string, string>;
  source_prefixes: ColumnType<unknown, string, string>;
  justification: string | null;
  status: GrantStatusValue;
  status_reason: string | null;
  created_at: Timestamp;
  starts_at: Timestamp;
  ends_at: Timestamp;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  close_attempts: Generated<number>;
  next_attempt_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  last_error: string | null;
  nsg_ids: ColumnType<unknown, string, string>;
  correlation_id: string | null;
  claimed_by: string | null;
  lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  private_ips: ColumnType<unknown, string, string>;
  os_type: string | null;
  admin_username: string | null;
}

/** What the reconciler last found wrong around one VM. */
export interface VmDriftTable {
  vm_id: string;
  detected_at: Timestamp;
  findings: ColumnType<unknown, string, string>;
}

/** Every table the BFF owns, as Kysely sees them. */
export interface DatabaseSchema {
  jit_policy: JitPolicyTable;
  role_assignment: RoleAssignmentTable;
  audit_event: AuditEventTable;
  audit_checkpoint: AuditCheckpointTable;
  jit_grant: JitGrantTable;
  vm_drift: VmDriftTable;
}
