/**
 * Refusals leave a trace: a 403 on a write route (POST, PUT, PATCH, DELETE) for a signed-in caller becomes an
 * `access.denied` audit event, whether the guard refused it or the handler (`authorize`, a service's
 * NotAllowedError). Reads are not recorded: lists are filtered rather than refused, and a refused read changes
 * nothing.
 *
 * A scripted flood must not flood the chain, so recording is rate-limited per caller, in this process (each
 * replica limits on its own): at most one event per caller, route, permission and scope per minute, and at most
 * `perCallerPerMinute` events per caller. A refusal that is not recorded is counted, and the caller's next
 * `access.denied` event says how many were left out (`details.suppressed`).
 */
import type { ErrorRequestHandler, Request } from "express";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";
import { applicationWithoutRole, authContextOf } from "../auth/authenticate.ts";
import { routeTemplateOf } from "../auth/guard.ts";
import { NotAllowedError, NotFoundError } from "../errors.ts";
import { clientIpOf } from "../http/client-ip.ts";
import type { Logger } from "../logger.ts";
import { auditActorOf, type AuditRecorder } from "./audit-events.ts";

export interface AccessDenialOptions {
  db: Kysely<DatabaseSchema>;
  /** Appends to the audit trail (hashed with the audit key). */
  audit: AuditRecorder;
  logger: Logger;
  /** Milliseconds since the epoch; injected so tests can move past the rate-limit windows. */
  now?: () => number;
  /** At most one event per caller + route + permission + scope in this many ms; default 60 s. */
  perKeyIntervalMs?: number;
  /** At most this many events per caller per minute; default 20. */
  perCallerPerMinute?: number;
}

export interface AccessDenials {
  /** Records the refusal unless rate-limited; never throws (a failed write is logged, the 403 stands). */
  record(req: Request, error: NotAllowedError): Promise<void>;
}

const writeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** `details.reason` of the 403 for an app-only token without a Portcullis app role (see authenticate.ts). */
const minuteMs = 60_000;
/** NotAllowedError details worth keeping: what was missing where, and which thing was refused. */
const keptDetails = ["reason", "requestId", "grantId"] as const;

interface CallerWindow {
  startedAt: number;
  recorded: number;
  /** Refusals not recorded since this caller's last access.denied event. */
  suppressed: number;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** The in-process limiter: which refusals to record, and how many were left out before each. */
function createLimiter(perKeyIntervalMs: number, perCallerPerMinute: number) {
  const lastByKey = new Map<string, number>();
  const callers = new Map<string, CallerWindow>();
  let prunedAt = 0;
  const prune = (now: number) => {
    if (now - prunedAt < minuteMs) return;
    prunedAt = now;
    for (const [key, at] of lastByKey) if (now - at >= perKeyIntervalMs) lastByKey.delete(key);
    for (const [caller, window] of callers) if (now - window.startedAt >= minuteMs && window.suppressed === 0) callers.delete(caller);
  };
  return (caller: string, key: string, now: number): { record: false } | { record: true; suppressed: number } => {
    prune(now);
    const window = callers.get(caller) ?? { startedAt: now, recorded: 0, suppressed: 0 };
    callers.set(caller, window);
    if (now - window.startedAt >= minuteMs) Object.assign(window, { startedAt: now, recorded: 0 });
    const last = lastByKey.get(`${caller}\n${key}`);
    if ((last !== undefined && now - last < perKeyIntervalMs) || window.recorded >= perCallerPerMinute) {
      window.suppressed += 1;
      return { record: false };
    }
    lastByKey.set(`${caller}\n${key}`, now);
    window.recorded += 1;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    return { record: true, suppressed };
  };
}

export function createAccessDenials(options: AccessDenialOptions): AccessDenials {
  const now = options.now ?? Date.now;
  const admit = createLimiter(options.perKeyIntervalMs ?? minuteMs, options.perCallerPerMinute ?? 20);
  return {
    async record(req, error) {
      const context = authContextOf(req);
      if (context === undefined) return;
      const { principal } = context;
      const refusal = error.refusal;
      // An application refused for holding no role is recorded whatever it called: it should not be calling at all.
      if (!writeMethods.has(req.method) && refusal.reason !== applicationWithoutRole) return;
      const route = `${req.method} ${routeTemplateOf(req) ?? "(no route)"}`;
      const permission = text(refusal.permission);
      const scope = text(refusal.scope);
      const verdict = admit(`${principal.tenantId}/${principal.oid}`, `${route}\n${permission ?? ""}\n${scope ?? ""}`, now());
      if (!verdict.record) return;
      const id = (req as { id?: unknown }).id;
      try {
        await options.audit.record(options.db, {
          actor: auditActorOf({ oid: principal.oid, name: principal.name, ip: clientIpOf(req), kind: principal.kind }),
          action: "access.denied",
          outcome: "failure",
          details: {
            route,
            permission,
            scope,
            ...Object.fromEntries(keptDetails.flatMap((key) => (text(refusal[key]) === null ? [] : [[key, refusal[key]]]))),
            ...(verdict.suppressed > 0 ? { suppressed: verdict.suppressed } : {}),
          },
          error: error.message,
          correlationId: typeof id === "string" ? id : null,
        });
      } catch (failure) {
        options.logger.warn({ err: failure, route, caller: { oid: principal.oid, tid: principal.tenantId } }, "could not record an access.denied event");
      }
    },
  };
}

/**
 * Last in the /api router: records a NotAllowedError (see `AccessDenials`) and passes it on to the error middleware.
 * A refusal answered as 404 (so the caller cannot tell it from an unknown id) carries its NotAllowedError as the
 * cause, and is recorded the same way.
 */
export function recordRefusals(denials: AccessDenials): ErrorRequestHandler {
  return async (error: unknown, req, _res, next) => {
    if (error instanceof NotAllowedError) await denials.record(req, error);
    else if (error instanceof NotFoundError && error.cause instanceof NotAllowedError) await denials.record(req, error.cause);
    next(error);
  };
}
