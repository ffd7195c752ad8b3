import { JitProtocolSchema } from "@portcullis/contract";
import type { Selectable } from "kysely";
import { z } from "zod";
import type { JitGrantTable } from "../lib/db/schema.ts";
import type { GrantReason, GrantRecord } from "./grant-record.ts";

const PortsSchema = z.array(z.object({ port: z.number().int(), protocol: JitProtocolSchema }));
const StringsSchema = z.array(z.string());
const reasons = new Set<string>(["Expired", "UserRequested", "Revoked", "NewerRequestInitiated", "OpenFailed"]);

/** jsonb comes back parsed from PostgreSQL and PGlite alike; a string (older driver) is parsed here. */
function json(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}

function date(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

function optionalDate(value: Date | string | null): Date | null {
  return value === null ? null : date(value);
}

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
    ports: PortsSchema.parse(json(row.ports)),
    sourcePrefixes: StringsSchema.parse(json(row.source_prefixes)),
    justification: row.justification,
    status: row.status,
    statusReason: row.status_reason !== null && reasons.has(row.status_reason) ? (row.status_reason as GrantReason) : null,
    createdAt: date(row.created_at),
    startsAt: date(row.starts_at),
    endsAt: date(row.ends_at),
    closedAt: optionalDate(row.closed_at),
    closeAttempts: row.close_attempts,
    nextAttemptAt: optionalDate(row.next_attempt_at),
    lastError: row.last_error,
    nsgIds: StringsSchema.parse(json(row.nsg_ids)),
    correlationId: row.correlation_id,
    claimedBy: row.claimed_by,
    leaseUntil: optionalDate(row.lease_until),
    privateIps: StringsSchema.parse(json(row.private_ips)),
    osType: row.os_type,
    adminUsername: row.admin_username,
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
  };
}
