import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { RequestHandler } from "express";
import { ArmError, retryAfterSeconds } from "../arm/errors.ts";
import { nsgKeyOfPath, subscriptionOfPath } from "../arm/ids.ts";
import type { EmulatorState } from "../state.ts";

const isRead = (method: string): boolean => method === "GET" || method === "HEAD";
const pathOf = (originalUrl: string): string => originalUrl.split("?")[0] ?? originalUrl;

/** Counts the request and stamps ARM's request-id headers. */
export function countRequests(state: EmulatorState): RequestHandler {
  return (req, res, next) => {
    const path = pathOf(req.originalUrl);
    state.counters.request(isRead(req.method), isRead(req.method) ? null : nsgKeyOfPath(path));
    const requestId = randomUUID();
    res.set("x-ms-request-id", requestId);
    res.set("x-ms-correlation-request-id", req.get("x-ms-correlation-request-id") ?? requestId);
    const clientRequestId = req.get("x-ms-client-request-id");
    if (clientRequestId) res.set("x-ms-client-request-id", clientRequestId);
    next();
  };
}

/** Applies the first matching `status` or `stall` fault. */
export function applyFaults(state: EmulatorState): RequestHandler {
  return async (req, _res, next) => {
    const fault = state.faults.takeRequestFault(req.method, pathOf(req.originalUrl));
    // Unreferenced timers: a stalled request must not keep a stopped emulator's process alive.
    if (fault?.kind === "stall") await sleep(fault.ms, undefined, { ref: false });
    if (fault?.kind === "status") {
      const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { "Retry-After": String(fault.retryAfterSeconds) } : {};
      throw new ArmError(fault.status, fault.code, fault.message ?? `Injected fault: ${fault.code}.`, { headers });
    }
    next();
  };
}

export function delayReads(state: EmulatorState): RequestHandler {
  return async (req, _res, next) => {
    if (isRead(req.method) && state.config.readLatencyMs > 0) await sleep(state.config.readLatencyMs, undefined, { ref: false });
    next();
  };
}

/** The per-subscription write budget; past it ARM answers 429 SubscriptionRequestsThrottled with Retry-After. */
export function limitWrites(state: EmulatorState): RequestHandler {
  return (req, res, next) => {
    if (isRead(req.method)) return next();
    const subscriptionId = subscriptionOfPath(pathOf(req.originalUrl));
    if (!subscriptionId) return next();
    const decision = state.rateLimiter.take(subscriptionId, state.config.writeRatePerSecond);
    if (!decision.allowed) {
      state.counters.throttled();
      const seconds = retryAfterSeconds(decision.retryAfterMs);
      throw new ArmError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of 'write' requests for subscription '${subscriptionId}' exceeded. Please try again after '${seconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
        { headers: { "Retry-After": String(seconds), "x-ms-ratelimit-remaining-subscription-writes": "0" } },
      );
    }
    if (Number.isFinite(decision.remaining)) res.set("x-ms-ratelimit-remaining-subscription-writes", String(decision.remaining));
    next();
  };
}
