import { AsyncLocalStorage } from "node:async_hooks";
import type { Request, RequestHandler } from "express";

/** The request a piece of work runs for: its id (x-request-id, the audit events' correlation id). */
const current = new AsyncLocalStorage<{ id: string }>();

/** Runs the rest of the request inside its context (after the request logger gave it its id). */
export function requestContext(): RequestHandler {
  return (req, _res, next) => {
    const id = (req as Request & { id?: unknown }).id;
    if (typeof id !== "string") {
      next();
      return;
    }
    current.run({ id }, next);
  };
}

export function currentRequestId(): string | undefined {
  return current.getStore()?.id;
}
