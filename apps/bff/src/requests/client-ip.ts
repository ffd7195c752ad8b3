import type { Request } from "express";
import { expandTrustedProxies, resolveClientIp } from "@portcullis/core";

/** TRUST_PROXY as CIDRs and IPs (its names expanded); core refuses entries that do not parse strictly. */
export function trustedProxyList(trustProxy: readonly string[]): string[] {
  return expandTrustedProxies(trustProxy);
}

/**
 * The caller's address as the server can vouch for it: the TCP peer, replaced by the X-Forwarded-For entry
 * each trusted proxy appended, and nothing a client wrote itself. Decided by core's `resolveClientIp`, not by
 * Express's `trust proxy`, so the rule is the same everywhere it matters.
 */
export function clientIpOf(req: Request, trustedProxies: readonly string[]): string | null {
  const header = req.headers["x-forwarded-for"];
  const forwardedFor = Array.isArray(header) ? header.join(", ") : header;
  return resolveClientIp({ remoteAddress: req.socket.remoteAddress, forwardedFor, trustedProxies });
}
