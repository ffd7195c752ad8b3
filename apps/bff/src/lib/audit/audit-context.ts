import type { Request } from "express";
import { requireAuthContext } from "../auth/authenticate.ts";
import { clientIpOf } from "../http/client-ip.ts";
import { auditActorOf, type AuditActor } from "./audit-events.ts";

/** Who asks and which request it is, for the audit trail. */
export interface AuditContext {
  actor: AuditActor;
  /** The request's id (`x-request-id`), tying its events together. */
  correlationId: string | null;
}

/** The signed-in caller, their address (core's `resolveClientIp` through TRUST_PROXY) and the request id. */
export function auditContextOf(req: Request): AuditContext {
  const { principal } = requireAuthContext(req);
  const id = (req as { id?: unknown }).id;
  return { actor: auditActorOf({ oid: principal.oid, name: principal.name, ip: clientIpOf(req), kind: principal.kind }), correlationId: typeof id === "string" ? id : null };
}
