import type { ErrorRequestHandler, RequestHandler } from "express";
import { ErrorCode, type ErrorBody } from "@portcullis/contract";
import { z } from "zod";
import { callerForLog } from "./auth/authenticate.ts";
import { databaseUnavailable } from "./db/unavailable.ts";
import { AppError, defaultRetryAfterSeconds, NotFoundError } from "./errors.ts";
import { redactUrl } from "./http/request-logger.ts";
import { describeZodError } from "./http/validation.ts";
import type { Logger } from "./logger.ts";

interface Mapped {
  status: number;
  body: ErrorBody;
  headers?: Readonly<Record<string, string>>;
}

function toResponse(error: unknown): Mapped {
  if (error instanceof AppError) {
    const details = error.details === undefined ? {} : { details: error.details };
    return { status: error.status, body: { error: { code: error.code, message: error.message, ...details } }, headers: error.headers };
  }
  if (error instanceof z.ZodError) {
    const { message, problems } = describeZodError(error, "input");
    return { status: 400, body: { error: { code: ErrorCode.badRequest, message, details: { problems } } } };
  }
  const database = databaseUnavailable(error);
  if (database !== null) return toResponse(database);
  return { status: 500, body: { error: { code: ErrorCode.internal, message: "Internal server error" } } };
}

/** The one place errors become HTTP responses. Stacks stay in the log, never in the body. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body, headers = {} } = toResponse(error);
    if (status >= 500) {
      // pino-http's per-request logger carries the request id; fall back to the app logger.
      const log = (req as { log?: Logger }).log ?? logger;
      const caller = callerForLog(req);
      const context = { method: req.method, url: redactUrl(req.originalUrl), status, ...(caller === undefined ? {} : { caller }) };
      if (status === 500) log.error({ ...context, err: error }, "unhandled error");
      else log.warn({ ...context, code: body.error.code }, body.error.message);
    }
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    // Every 503 says when to come back, whichever error produced it.
    if (status === 503 && !res.hasHeader("Retry-After")) res.setHeader("Retry-After", String(defaultRetryAfterSeconds));
    res.status(status).json(body);
  };
}

/** Any /api path no router answered. */
export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`No API route for ${req.method} ${req.originalUrl.split("?")[0] ?? ""}`));
};
