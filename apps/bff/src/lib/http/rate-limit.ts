import type { Request, RequestHandler } from "express";
import { ipKeyGenerator, rateLimit, type Options, type Store } from "express-rate-limit";
import { requireAuthContext } from "../auth/authenticate.ts";
import { TooManyRequestsError } from "../errors.ts";
import { clientIpOf } from "./client-ip.ts";

const windowMs = 60_000;

function limiter(limit: number, who: string, keyGenerator: (req: Request) => string, store: Store | undefined): RequestHandler {
  const options: Partial<Options> = {
    // A shared store (replicas on PostgreSQL) counts for every replica; when it cannot answer, requests pass (the
    // limit is a brake on floods, not an authorization).
    ...(store === undefined ? {} : { store, passOnStoreError: true }),
    windowMs,
    limit,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    // The key is core's client address (TRUST_PROXY), not Express's req.ip: a forwarded-for header from a proxy we
    // do not trust is expected (and ignored), and Express's `trust proxy` is deliberately unset.
    validate: { xForwardedForHeader: false, forwardedHeader: false, trustProxy: false, ip: false },
    handler: (_req, res, next) => {
      const reset = Number(res.getHeader("Retry-After") ?? 60);
      next(new TooManyRequestsError(`Too many requests ${who}: at most ${limit} per minute; try again shortly`, Number.isFinite(reset) ? reset : 60));
    },
    keyGenerator,
  };
  return rateLimit(options);
}

/** Per client address (after TRUST_PROXY; IPv6 per /56, as express-rate-limit counts), before authentication: caps token-guessing and floods. */
export function perIpRateLimit(perMinute: number, store?: Store): RequestHandler {
  return limiter(
    perMinute,
    "from this address",
    (req) => {
      const ip = clientIpOf(req);
      return ip === null ? "unknown-address" : ipKeyGenerator(ip);
    },
    store,
  );
}

/** Per signed-in user (tenant + object id), after authentication. */
export function perUserRateLimit(perMinute: number, store?: Store): RequestHandler {
  return limiter(
    perMinute,
    "by this user",
    (req) => {
      const { principal } = requireAuthContext(req);
      return `${principal.tenantId}/${principal.oid}`;
    },
    store,
  );
}
