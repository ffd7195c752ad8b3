import type { Request } from "express";
import { auditActorOf, type AuditActor } from "../audit/audit-events.ts";
import { clientIpOf } from "../http/client-ip.ts";
import type { Access } from "./access.ts";
import { requireAuthContext } from "./authenticate.ts";

/** Who asks: the signed-in principal, what they may do, their address (through trusted proxies), the request id. */
export interface Caller {
  oid: string;
  name: string;
  /** An application calling with an app-only token (recorded as the audit actor's kind); a person when absent. */
  kind?: "user" | "application";
  access: Access;
  ip: string | null;
  correlationId: string | null;
}

/** The audit actor of a caller (kind included). */
export function actorOf(caller: Caller): AuditActor {
  return auditActorOf(caller);
}

/** The caller of a request that passed authentication: identity, what they may do, address (through trusted proxies), request id. */
export async function callerOf(req: Request): Promise<Caller> {
  const context = requireAuthContext(req);
  const id = (req as { id?: unknown }).id;
  return {
    oid: context.principal.oid,
    name: context.principal.name,
    kind: context.principal.kind,
    access: await context.access(),
    ip: clientIpOf(req),
    correlationId: typeof id === "string" ? id : null,
  };
}
