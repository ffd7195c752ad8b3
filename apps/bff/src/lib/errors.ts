import { ErrorCode, type ErrorDetails, type FieldProblem } from "@portcullis/contract";

/** Error code of a 429 (not yet in the contract's ErrorCode list). */
export const tooManyRequestsCode = "TooManyRequests";
/** Error code of a 502: a service we depend on answered, and refused or failed the operation. */
export const upstreamFailedCode = "UpstreamFailed";
export type AppErrorCode = ErrorCode | typeof tooManyRequestsCode | typeof upstreamFailedCode;

interface AppErrorOptions {
  /** The error body's `details`: a 400's `problems`, or the facts of another error. */
  details?: ErrorDetails;
  cause?: unknown;
  /** Response headers that belong to this error (WWW-Authenticate, Retry-After). */
  headers?: Record<string, string>;
}

/** Base of the errors the error middleware maps to an HTTP status and an ErrorBody. */
export class AppError extends Error {
  readonly status: number;
  readonly code: AppErrorCode;
  readonly details: ErrorDetails | undefined;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, code: AppErrorCode, message: string, options?: AppErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = options?.details;
    this.headers = options?.headers ?? {};
  }
}

/** No valid access token (401); `challenge` is the WWW-Authenticate value. */
export class UnauthorizedError extends AppError {
  constructor(message: string, challenge: string, options?: { details?: ErrorDetails; cause?: unknown }) {
    super(401, ErrorCode.unauthorized, message, { ...options, headers: { "WWW-Authenticate": challenge } });
  }
}

/** The caller sent too many requests (429). */
export class TooManyRequestsError extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, tooManyRequestsCode, message, { headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

/** The request is malformed or fails validation (400). */
export class InputError extends AppError {
  constructor(message: string, options?: { details?: ErrorDetails; cause?: unknown }) {
    super(400, ErrorCode.badRequest, message, options);
  }
}

/** Each broken rule after its field, as a 400's message says them: "ports[0].port: must be ...; durationMinutes: ...". */
export function problemsMessage(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.rule}`).join("; ");
}

/** The 400 of broken rules: the message names each field and rule, `details.problems` lists them (beside other details). */
export function problemsError(problems: readonly FieldProblem[], details: Omit<ErrorDetails, "problems"> = {}): InputError {
  return new InputError(problemsMessage(problems), { details: { ...details, problems: [...problems] } });
}

/** The caller may not do this (403). */
/**
 * What a 403 says was missing, and which thing was refused (the error body's `details`, and `access.denied` events).
 * A type rather than an interface: `details` allows any keys, and only a type alias fits an index signature.
 */
export type NotAllowedDetails = {
  /** The permission the caller lacks (`jit.request.create`, or alternatives joined by " or "). */
  permission?: string;
  /** Where it was needed: an ARM scope, or "any" for "at any scope". */
  scope?: string;
  /** A machine-readable reason (RequesterNoLongerAuthorized, ApplicationWithoutRole, a decision refusal). */
  reason?: string;
  requestId?: string;
  grantId?: string;
};

export class NotAllowedError extends AppError {
  /** The typed `details` of the refusal. */
  readonly refusal: NotAllowedDetails;
  constructor(message: string, options?: { details?: NotAllowedDetails; cause?: unknown }) {
    super(403, ErrorCode.forbidden, message, options);
    this.refusal = options?.details ?? {};
  }
}

/** The addressed thing does not exist (404). */
export class NotFoundError extends AppError {
  constructor(message: string, options?: { details?: ErrorDetails; cause?: unknown }) {
    super(404, ErrorCode.notFound, message, options);
  }
}

/** The request conflicts with the current state (409). */
export class ConflictError extends AppError {
  constructor(message: string, options?: { details?: ErrorDetails; cause?: unknown }) {
    super(409, ErrorCode.conflict, message, options);
  }
}

/** A service we depend on (Azure Resource Manager, the database) cannot answer (503). */
/** Seconds a 503 tells the client to wait when nothing more precise is known. */
export const defaultRetryAfterSeconds = 5;

export class UpstreamUnavailableError extends AppError {
  /** Every 503 says when to try again (`Retry-After`), `retryAfterSeconds` or 5 s. */
  constructor(message: string, options?: { details?: ErrorDetails; cause?: unknown; retryAfterSeconds?: number }) {
    super(503, ErrorCode.upstreamUnavailable, message, { ...options, headers: { "Retry-After": String(Math.max(1, Math.ceil(options?.retryAfterSeconds ?? defaultRetryAfterSeconds))) } });
  }
}

/** A service we depend on (Azure Resource Manager) answered but refused or failed the operation (502). */
export class UpstreamFailedError extends AppError {
  constructor(message: string, options?: { details?: ErrorDetails; cause?: unknown }) {
    super(502, upstreamFailedCode, message, options);
  }
}
