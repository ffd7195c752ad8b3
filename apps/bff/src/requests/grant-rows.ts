import { JitProtocolSchema } from "@portcullis/contract";
import type { Selectable } from "kysely";
import { z } from "zod";
import type { JitGrantTable } from "../lib/db/schema.ts";
import type { GrantReason, GrantRecord } from "./grant-record.ts";
import { dateValue, jsonValue, optionalDateValue } from "../lib/db/row-values.ts";

const PortsSchema = z.array(z.object({ port: z.number().int(), protocol: JitProtocolSchema }));
const StringsSchema = z.array(z.string());
const RevokeRequestSchema = z.object({
  actor: z.object({ oid: z.string(), name: z.string(), ip: z.string().nullable() }),
  correlationId: z.string().nullable(),
  cause: z.string(),
});
const reasons = new Set<string>(["Expired", "UserRequested", "Revoked", "NewerRequestInitiated", "OpenFailed"]);

/** Rows are written only by this component; one that no longer parses is a bug worth failing on. */
export function toRecord(row: Selectable<JitGrantTable>): GrantRecord {
  return {
    id: row.id,
    vmId: row.vm_id,
    vmName: row.vm_name,
    resourceGroup: row.resource_group,
    subscriptionId: row.subscription_id,
    requesterOid: row.requester_oid,
    requesterName: row.requester_name,
    requesterIp: row.requester_ip,
    ports: PortsSchema.parse(jsonValue(row.ports)),
    sourcePrefixes: StringsSchema.parse(jsonValue(row.source_prefixes)),
    justification: row.justification,
    status: row.status,
    statusReason: row.status_reason !== null && reasons.has(row.status_reason) ? (row.status_reason as GrantReason) : null,
    createdAt: dateValue(row.created_at),
    startsAt: dateValue(row.starts_at),
    endsAt: dateValue(row.ends_at),
    closedAt: optionalDateValue(row.closed_at),
    closeAttempts: row.close_attempts,
    nextAttemptAt: optionalDateValue(row.next_attempt_at),
    lastError: row.last_error,
    nsgIds: StringsSchema.parse(jsonValue(row.nsg_ids)),
    correlationId: row.correlation_id,
    claimedBy: row.claimed_by,
    leaseUntil: optionalDateValue(row.lease_until),
    privateIps: StringsSchema.parse(jsonValue(row.private_ips)),
    osType: row.os_type,
    adminUsername: row.admin_username,
    requesterUsername: row.requester_username,
    requestId: row.request_id,
    breakGlass: row.break_glass,
    revokeRequested: row.revoke_requested === null || row.revoke_requested === undefined ? null : RevokeRequestSchema.parse(jsonValue(row.revoke_requested)),
  };
}

export function toRow(record: GrantRecord) {
  return {
    id: record.id,
    vm_id: record.vmId.toLowerCase(),
    vm_name: record.vmName,
    resource_group: record.resourceGroup,
    subscription_id: record.subscriptionId,
    requester_oid: record.requesterOid,
    requester_name: record.requesterName,
    requester_ip: record.requesterIp,
    ports: JSON.stringify(record.ports),
    source_prefixes: JSON.stringify(record.sourcePrefixes),
    justification: record.justification,
    status: record.status,
    status_reason: record.statusReason,
    created_at: record.createdAt,
    starts_at: record.startsAt,
    ends_at: record.endsAt,
    closed_at: record.closedAt,
    close_attempts: record.closeAttempts,
    next_attempt_at: record.nextAttemptAt,
    last_error: record.lastError,
    nsg_ids: JSON.stringify(record.nsgIds),
    correlation_id: record.correlationId,
    claimed_by: record.claimedBy,
    lease_until: record.leaseUntil,
    private_ips: JSON.stringify(record.privateIps),
    os_type: record.osType,
    admin_username: record.adminUsername,
    requester_username: record.requesterUsername,
    request_id: record.requestId,
    break_glass: record.breakGlass,
    revoke_requested: record.revokeRequested === null ? null : JSON.stringify(record.revokeRequested),
  };
}
