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
  /** The policy's justification rule (contract JustificationRule) as JSON text; null: none. */
  justification_rule: ColumnType<string | null, string | null | undefined, string | null>;
  /** The policy's approval rule (contract ApprovalSettings), null: requests open at once. */
  approval: ColumnType<unknown, string | null | undefined, string | null>;
  break_glass: Generated<boolean>;
  /** Set the NSGs' flushConnection while the policy stands ("End live sessions when access ends"). */
  end_live_sessions: Generated<boolean>;
  /** JSON object: lower-cased NSG id -> the flushConnection it had before this policy set it. */
  flush_previous: ColumnType<unknown, string | undefined, string>;
  /** JSON array: request history imported from Defender, one part per VM of each request (policies feature's shape). */
  request_history: ColumnType<unknown, string | undefined, string>;
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
  /** v2 (keyed): HMAC-SHA256 (hex) over this event's content and prev_hash; v1: SHA-256 (lib/audit/audit-chain.ts). */
  hash: string;
  /** The audit key's id for a v2 event; null for a v1 event (written before migration 0008). */
  key_id: string | null;
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

/** A signed record of the chain's head (lib/audit/audit-anchors.ts), so a cut tail is found. */
export interface AuditAnchorTable {
  id: string;
  /** seq and hash of the newest event when the anchor was written. */
  seq: ColumnType<string, string, never>;
  hash: string;
  /** Events in the chain up to seq, pruned ones included. */
  count: ColumnType<string, string | number, never>;
  at: Timestamp;
  key_id: string;
  /** HMAC-SHA256 (hex) over the anchor's fields, tagged as an anchor (lib/audit/audit-signing.ts). */
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
  /** The access request it came from (approval or break-glass). */
  request_id: string | null;
  break_glass: Generated<boolean>;
  /** The requester's user name (e-mail of their notifications); null for grants from before it was kept. */
  requester_username: string | null;
  /** When the "expiring in 10 minutes" notification was queued. */
  expiry_warned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Why a close waits for its retry: `unreachable` (woken when ARM answers again), `throttled`, `busy`, `failed`. */
  retry_reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** A revocation waiting for the grant to be free (see migration 0012): who revoked it, the request's correlation id and why. */
  revoke_requested: ColumnType<unknown, string | null | undefined, string | null>;
  /** Lower-cased ids of the NSGs this closing grant's rules are gone from; null: not closed by expiry units. */
  nsg_cleared: ColumnType<unknown, string | null | undefined, string | null>;
}

/** Request counts of a rate limit shared by replicas (see migration 0013). */
export interface RateLimitHitTable {
  key: string;
  hits: number;
  reset_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A BFF process, alive while its heartbeat is fresh (see migration 0011). */
export interface BffInstanceTable {
  id: string;
  node: string;
  started_at: ColumnType<Date, Date | string | undefined, Date | string>;
  heartbeat_at: ColumnType<Date, Date | string | undefined, Date | string>;
  stopped_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** What the reconciler last found wrong around one VM. */
export interface VmDriftTable {
  vm_id: string;
  detected_at: Timestamp;
  findings: ColumnType<unknown, string, string>;
}

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type AccessRequestStatusValue = "pending" | "opened" | "failed" | "denied" | "lapsed" | "cancelled";

/** A request that waits for approval, or was break-glass (src/approvals). */
export interface AccessRequestTable {
  id: string;
  vm_id: string;
  vm_name: string;
  resource_group: string;
  subscription_id: string;
  requester_oid: string;
  requester_name: string;
  requester_username: string;
  requester_ip: string | null;
  ports: ColumnType<unknown, string, string>;
  source_prefixes: ColumnType<unknown, string, string>;
  duration_minutes: number;
  justification: string | null;
  status: AccessRequestStatusValue;
  /** The policy's approval rule when the request was made. */
  approval: ColumnType<unknown, string, string>;
  created_at: Timestamp;
  expires_at: Timestamp;
  decided_at: NullableTimestamp;
  break_glass: Generated<boolean>;
  reviewed_at: NullableTimestamp;
  reviewed_by_oid: string | null;
  reviewed_by_name: string | null;
  review_comment: string | null;
  grant_id: string | null;
  error: string | null;
  correlation_id: string | null;
}

/** One approver's decision on one request (at most one each). */
export interface AccessRequestDecisionTable {
  request_id: string;
  approver_oid: string;
  approver_name: string;
  decision: "approve" | "deny";
  comment: string | null;
  at: Timestamp;
}

export interface NotificationSubscriptionTable {
  id: string;
  name: string;
  kind: "webhook" | "teams" | "slack" | "email";
  /** URL, or JSON array of e-mail addresses. Secret-bearing: never logged, never returned whole. */
  target: string;
  /** HMAC key of a generic webhook. */
  secret: string | null;
  /** E-mail: also to the requester of the request the event is about. */
  to_requester: Generated<boolean>;
  scope: string;
  events: ColumnType<unknown, string, string>;
  enabled: Generated<boolean>;
  created_at: Timestamp;
  created_by: string;
}

/** A notification to deliver, queued in the transaction of the change it announces. */
export interface NotificationOutboxTable {
  id: string;
  subscription_id: string | null;
  subscription_name: string;
  kind: "webhook" | "teams" | "slack" | "email";
  target: string;
  event: string;
  vm_name: string | null;
  payload: ColumnType<unknown, string, string>;
  status: "pending" | "delivered" | "failed";
  attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: NullableTimestamp;
  claimed_by: string | null;
  lease_until: NullableTimestamp;
}

/** Every table the BFF owns, as Kysely sees them. */
/** The last claims seen for a principal (see migration 0010). */
export interface PrincipalTable {
  oid: string;
  tenant_id: string;
  name: string;
  username: string;
  tenant_roles: ColumnType<unknown, string, string>;
  groups: ColumnType<unknown, string, string>;
  seen_at: Timestamp;
}

/** One NSG's expiry work (its due grants' rules removed in one write), held by one process at a time. */
export interface ExpiryUnitTable {
  /** Lower-cased ARM id of the NSG. */
  nsg_key: string;
  claimed_by: string;
  lease_until: Timestamp;
}

export interface DatabaseSchema {
  jit_policy: JitPolicyTable;
  role_assignment: RoleAssignmentTable;
  principal: PrincipalTable;
  bff_instance: BffInstanceTable;
  audit_event: AuditEventTable;
  audit_checkpoint: AuditCheckpointTable;
  audit_anchor: AuditAnchorTable;
  jit_grant: JitGrantTable;
  expiry_unit: ExpiryUnitTable;
  vm_drift: VmDriftTable;
  access_request: AccessRequestTable;
  access_request_decision: AccessRequestDecisionTable;
  notification_subscription: NotificationSubscriptionTable;
  notification_outbox: NotificationOutboxTable;
  rate_limit_hit: RateLimitHitTable;
}
