import { auditActorOf, type AuditActor } from "../audit/audit-events.ts";
import type { Access } from "./access.ts";

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
