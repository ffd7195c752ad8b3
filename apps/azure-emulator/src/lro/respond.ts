import type { Request, Response } from "express";
import { NETWORK_API_VERSION, apiVersionOf } from "../arm/api-version.ts";
import { baseUrl } from "../arm/request-context.ts";
import type { Operation } from "./operations.ts";

/**
 * Polling is quick without touching the SDK's settings: @azure/core-lro polls once right after the
 * initial response, then waits for `Retry-After` (whole seconds; 0 or absent means its 2 s default).
 * So a status request for an operation that ends within LONG_POLL_MAX_MS is held until it ends and
 * answered with the final status: `beginCreateOrUpdateAndWait` takes about writeLatencyMs. Longer
 * operations answer "InProgress" at once with a Retry-After that brings the next poll inside that window.
 */
export const LONG_POLL_MAX_MS = 1000;

export function retryAfterForPoll(op: Operation, now = Date.now()): number {
  return Math.max(0, Math.ceil((op.completesAt - now - LONG_POLL_MAX_MS) / 1000));
}

/** With the api-version of the write (as ARM does). */
function operationUrl(req: Request, op: Operation, kind: "operations" | "operationResults"): string {
  return `${baseUrl(req)}/subscriptions/${op.subscriptionId}/providers/Microsoft.Network/locations/${op.location}/${kind}/${op.id}?api-version=${apiVersionOf(req.originalUrl) ?? NETWORK_API_VERSION}`;
}

/** The initial answer to a long-running write, as ARM's Microsoft.Network gives it. */
export function respondWithOperation(req: Request, res: Response, status: number, body: object | null, op: Operation): void {
  res.set("Azure-AsyncOperation", operationUrl(req, op, "operations"));
  res.set("Retry-After", String(retryAfterForPoll(op)));
  if (req.method === "DELETE") res.set("Location", operationUrl(req, op, "operationResults"));
  if (body === null) res.status(status).end();
  else res.status(status).json(body);
}
