import { ErrorCode } from "@portcullis/contract";

/** Base of the errors the error middleware maps to an HTTP status and an ErrorBody. */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(status: number, code: ErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = options?.details;
  }
}

/** The request is malformed or fails validation (400). */
export class InputError extends AppError {
  constructor(message: string, options?: { details?: unknown; cause?: unknown }) {
    super(400, ErrorCode.badRequest, message, options);
  }
}

/** The caller may not do this (403). */
export class NotAllowedError extends AppError {
  constructor(message: string, options?: { details?: unknown; cause?: unknown }) {
    super(403, ErrorCode.forbidden, message, options);
  }
}

/** The addressed thing does not exist (404). */
export class NotFoundError extends AppError {
  constructor(message: string, options?: { details?: unknown; cause?: unknown }) {
    super(404, ErrorCode.notFound, message, options);
  }
}

/** The request conflicts with the current state (409). */
export class ConflictError extends AppError {
  constructor(message: string, options?: { details?: unknown; cause?: unknown }) {
    super(409, ErrorCode.conflict, message, options);
  }
}

/** A service we depend on (Azure Resource Manager, the database) cannot answer (503). */
export class UpstreamUnavailableError extends AppError {
  constructor(message: string, options?: { details?: unknown; cause?: unknown }) {
    super(503, ErrorCode.upstreamUnavailable, message, options);
  }
}
