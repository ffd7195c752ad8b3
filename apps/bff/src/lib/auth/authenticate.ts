import type { Request, RequestHandler } from "express";
import type { RoleAssignment } from "@portcullis/contract";
import { NotAllowedError, UnauthorizedError } from "../errors.ts";
import { buildAccess, type Access } from "./access.ts";
import { principalFromClaims, type Principal } from "./principal.ts";
import { TokenRejectedError, type TokenValidator } from "./token-validator.ts";

/** The caller of one request, set by `authenticate`. */
export interface AuthContext {
  principal: Principal;
  /** The caller's permissions; the stored assignments are read on first use, once per request. */
  access(): Promise<Access>;
}

export interface AuthenticateDeps {
  validate: TokenValidator;
  /** Stored assignments that may apply to the principal (by oid or group). */
  loadAssignments(principal: Principal): Promise<RoleAssignment[]>;
  /**
   * Keeps the principal's current claims for re-authorizing them later when they are not the caller (see
   * principal-store.ts). Best effort: a failure is reported to `rememberFailed` and the request goes on.
   */
  remember?(principal: Principal): Promise<void>;
  rememberFailed?(error: unknown): void;
}

const contexts = new WeakMap<Request, AuthContext>();
const bearer = /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i;
export const authRealm = 'Bearer realm="portcullis"';

export function missingToken(): UnauthorizedError {
  return new UnauthorizedError("Sign-in required: send an access token as 'Authorization: Bearer <token>'", authRealm, {
    details: { reason: "missing" },
  });
}

function invalidToken(problem: string): UnauthorizedError {
  return new UnauthorizedError(`Invalid access token: ${problem}`, `${authRealm}, error="invalid_token", error_description="${problem}"`, {
    details: { reason: problem },
  });
}

/** Why an app-only token without a Portcullis app role is refused (also recorded for reads: see access-denied.ts). */
export const applicationWithoutRole = "ApplicationWithoutRole";

/** The caller when the request carried a validated token (so far); undefined otherwise. */
export function authContextOf(req: Request): AuthContext | undefined {
  return contexts.get(req);
}

/** Who called, for log lines: object id and tenant, never the token or anything from it beyond these. */
export function callerForLog(req: Request): { oid: string; tid: string } | undefined {
  const principal = contexts.get(req)?.principal;
  return principal === undefined ? undefined : { oid: principal.oid, tid: principal.tenantId };
}

/** The caller, or a 401 when the request carries no validated token. */
export function requireAuthContext(req: Request): AuthContext {
  const context = contexts.get(req);
  if (context === undefined) throw missingToken();
  return context;
}

/** Validates the bearer token; a missing or bad one ends the request with 401 and the reason. Never logs the token. */
export function authenticate(deps: AuthenticateDeps): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get("authorization");
    if (header === undefined || header.trim() === "") throw missingToken();
    const token = bearer.exec(header)?.[1];
    if (token === undefined) throw invalidToken("malformed");
    let principal: Principal;
    try {
      principal = principalFromClaims(await deps.validate(token));
    } catch (error) {
      if (error instanceof TokenRejectedError) throw invalidToken(error.problem);
      throw error;
    }
    if (deps.remember !== undefined) {
      await deps.remember(principal).catch((error: unknown) => deps.rememberFailed?.(error));
    }
    let access: Promise<Access> | undefined;
    contexts.set(req, {
      principal,
      access: () => (access ??= deps.loadAssignments(principal).then((stored) => buildAccess(principal, stored))),
    });
    if (principal.kind === "application" && principal.tenantRoles.length === 0) {
      throw new NotAllowedError("Application tokens need a Portcullis app role (Jit.Requester, Jit.Approver, Jit.Auditor or Jit.Admin): assign one to the application", {
        details: { reason: applicationWithoutRole },
      });
    }
    next();
  };
}
