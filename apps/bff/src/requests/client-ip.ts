import type { Request } from "express";
import { resolveClientIp } from "@portcullis/core";

/** The ranges TRUST_PROXY's names stand for (as Express's proxy-addr reads them). */
const namedRanges: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
  uniquelocal: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/** TRUST_PROXY as CIDRs and IPs (its names expanded); core refuses entries that do not parse strictly. */
export function trustedProxyList(trustProxy: readonly string[]): string[] {
  return trustProxy.flatMap((entry) => namedRanges[entry.toLowerCase()] ?? [entry]);
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
