import { armIdKey } from "../inventory/arm-id.ts";
import type { GrantPort, JitProtocol } from "../planner/types.ts";

/**
 * A grant's life: waiting for approval, open (its Allow rules are, or are
 * being, written), closed (expired, revoked or superseded), or rejected.
 */
export type GrantStatus = "pending" | "open" | "closed" | "rejected";

/** Why a grant closed; Defender's `statusReason` values. */
export type GrantCloseReason = "Expired" | "UserRequested" | "NewerRequestInitiated";

/** The close reason of a grant that `supersededGrants` names. */
export const supersededReason: GrantCloseReason = "NewerRequestInitiated";

export interface ExistingGrant {
  id: string;
  /** The requester's object id (Entra `oid`, or the local issuer's subject); compared exactly. */
  requesterOid: string;
  /** ARM id of the VM; compared case-insensitively, as ARM does. */
  vmId: string;
  ports: GrantPort[];
  status: GrantStatus;
}

export interface SupersedingRequest {
  requesterOid: string;
  vmId: string;
  ports: GrantPort[];
}

/** Any is TCP plus UDP, so it overlaps both; TCP and UDP never overlap each other. */
export function protocolsOverlap(a: JitProtocol, b: JitProtocol): boolean {
  return a === b || a === "Any" || b === "Any";
}

/** Two port lists overlap when some entry of each has the same port number and overlapping protocols. */
export function portsOverlap(a: readonly GrantPort[], b: readonly GrantPort[]): boolean {
  return a.some((x) => b.some((y) => x.port === y.port && protocolsOverlap(x.protocol, y.protocol)));
}

/**
 * Ids of the grants a new request replaces, as Defender does: the same
 * requester's open grants on the same VM that share a port with it. Such a
 * grant closes as a whole (with reason `NewerRequestInitiated`), including
 * any ports the new request does not repeat. Other requesters' grants, and
 * grants that are pending, closed or rejected, are never named. Ids come in
 * the order given, each once.
 */
export function supersededGrants(existing: readonly ExistingGrant[], newRequest: SupersedingRequest): string[] {
  const vmKey = armIdKey(newRequest.vmId);
  const ids: string[] = [];
  for (const grant of existing) {
    if (grant.status !== "open" || grant.requesterOid !== newRequest.requesterOid || armIdKey(grant.vmId) !== vmKey) continue;
    if (portsOverlap(grant.ports, newRequest.ports) && !ids.includes(grant.id)) ids.push(grant.id);
  }
  return ids;
}
