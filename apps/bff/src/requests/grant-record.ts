import type { AccessEventFacts, Grant } from "@portcullis/contract";
import type { GrantPort } from "@portcullis/core";
import type { GrantStatusValue } from "../lib/db/schema.ts";
import { connectDetails } from "./connect-details.ts";

/** Why a grant closed (Defender's reasons), or `OpenFailed` when its Allow rules could not be written. */
export type GrantReason = "Expired" | "UserRequested" | "Revoked" | "NewerRequestInitiated" | "OpenFailed";

/** A grant as stored (one `jit_grant` row). */
export interface GrantRecord {
  id: string;
  /** Lower-cased ARM id. */
  vmId: string;
  vmName: string;
  resourceGroup: string;
  subscriptionId: string;
  requesterOid: string;
  requesterName: string;
  requesterIp: string | null;
  ports: GrantPort[];
  sourcePrefixes: string[];
  justification: string | null;
  status: GrantStatusValue;
  statusReason: GrantReason | null;
  createdAt: Date;
  startsAt: Date;
  endsAt: Date;
  closedAt: Date | null;
  closeAttempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  /** Every NSG in front of the VM when the grant opened: where its Allow rules are. */
  nsgIds: string[];
  correlationId: string | null;
  claimedBy: string | null;
  leaseUntil: Date | null;
  privateIps: string[];
  osType: string | null;
  adminUsername: string | null;
  /** The requester's user name (`preferred_username`); null on grants stored before it was kept. */
  requesterUsername: string | null;
  /** The access request it came from (approved or break-glass); null when it opened at once. */
  requestId: string | null;
  breakGlass: boolean;
  /** A revocation recorded while the grant could not be closed at once; whoever closes it next closes it as this. */
  revokeRequested: RevokeRequest | null;
}

/** Who revoked a grant that was still opening (or held by another operation), and why. */
export interface RevokeRequest {
  actor: { oid: string; name: string; ip: string | null };
  correlationId: string | null;
  cause: string;
}

/** The VM's id in ARM's spelling, from the parts stored with the grant. */
export function grantVmId(record: Pick<GrantRecord, "subscriptionId" | "resourceGroup" | "vmName">): string {
  return `/subscriptions/${record.subscriptionId}/resourceGroups/${record.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${record.vmName}`;
}

export function toGrant(record: GrantRecord): Grant {
  return {
    id: record.id,
    vmId: grantVmId(record),
    vmName: record.vmName,
    resourceGroup: record.resourceGroup,
    subscriptionId: record.subscriptionId,
    requester: { oid: record.requesterOid, name: record.requesterName },
    ports: record.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
    sourcePrefixes: [...record.sourcePrefixes],
    justification: record.justification,
    status: record.status,
    statusReason: record.statusReason,
    createdAt: record.createdAt.toISOString(),
    startsAt: record.startsAt.toISOString(),
    endsAt: record.endsAt.toISOString(),
    closedAt: record.closedAt?.toISOString() ?? null,
    error: record.lastError,
    requestId: record.requestId,
    breakGlass: record.breakGlass,
    connect: connectDetails(record),
  };
}

/** The facts every audit event about a grant carries (the contract's domain events), plus `extra`. */
export function grantAuditDetails(record: GrantRecord, extra: Partial<AccessEventFacts> = {}): AccessEventFacts {
  return {
    grantId: record.id,
    vmName: record.vmName,
    ports: record.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
    sources: [...record.sourcePrefixes],
    durationMinutes: Math.round((record.endsAt.getTime() - record.startsAt.getTime()) / 60_000),
    ...(record.justification === null ? {} : { justification: record.justification }),
    requester: { oid: record.requesterOid, name: record.requesterName, ...(record.requesterUsername === null ? {} : { username: record.requesterUsername }) },
    ...(record.requestId === null ? {} : { requestId: record.requestId }),
    ...(record.breakGlass ? { breakGlass: true } : {}),
    ...extra,
  };
}
