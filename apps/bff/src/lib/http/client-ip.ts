import type { Request, RequestHandler } from "express";
import { expandTrustedProxies, resolveClientIp } from "@portcullis/core";

/** TRUST_PROXY as CIDRs and IPs (its names expanded by core, which also checks the list at start-up). */
export function trustedProxyList(trustProxy: readonly string[]): string[] {
  return expandTrustedProxies(trustProxy);
}

/**
 * The caller's address as the server can vouch for it: the TCP peer, replaced by the X-Forwarded-For entry
 * each trusted proxy appended, and nothing a client wrote itself (a malformed entry stops the walk, so text
 * such as `<img src=x>` never becomes an address). Decided by core's `resolveClientIp`, not by Express's
 * `trust proxy` (which the app does not set), so the rule is the same everywhere an address is used.
 */
export function resolveRequestIp(req: Request, trustedProxies: readonly string[]): string | null {
  const header = req.headers["x-forwarded-for"];
  const forwardedFor = Array.isArray(header) ? header.join(", ") : header;
  return resolveClientIp({ remoteAddress: req.socket.remoteAddress, forwardedFor, trustedProxies });
}

const addresses = new WeakMap<Request, string | null>();

/** First in the app: resolves each request's client address once, for "My IP", the audit trail and the per-address limit. */
export function clientAddress(trustProxy: readonly string[]): RequestHandler {
  const trusted = trustedProxyList(trustProxy);
  return (req, _res, next) => {
    addresses.set(req, resolveRequestIp(req, trusted));
    next();
  };
}

/** The request's client address (see `clientAddress`); without that middleware, the TCP peer. */
export function clientIpOf(req: Request): string | null {
  return addresses.has(req) ? (addresses.get(req) ?? null) : resolveRequestIp(req, []);
}
