import { lookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { outboundRefusal, parseIp, type IpAddress } from "@portcullis/core";
import { localDevHosts, type UrlPolicy } from "./targets.ts";

/** Every address a host name resolves to: all of them are checked, since the connection may use any. */
export type HostResolver = (host: string) => Promise<string[]>;

/** The operating system's resolver (`getaddrinfo`: hosts file, then DNS), every address, in its order. */
export const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Where webhooks may connect: the URL rules plus the address rules and their operator exemptions. */
export interface AddressPolicy extends UrlPolicy {
  /** NOTIFY_ALLOWED_HOSTS, spelled as `URL.hostname` spells hosts (no trailing dot): exempt from the address rules. */
  allowedHosts: ReadonlySet<string>;
  resolve: HostResolver;
}

/** A checked address, the only one(s) the connection may use. */
export interface PinnedAddress {
  address: string;
  family: 4 | 6;
}

export type HostVerdict =
  | { kind: "allowed"; addresses: PinnedAddress[] }
  /** `addressClass` names what the address is ("loopback", "cloud metadata"...), never the address. */
  | { kind: "refused"; addressClass: string }
  | { kind: "unresolved" };

/** The host of a URL whose host is an IP address (URL parsing already turned 2130706433 or 0x7f.1 into 127.0.0.1). */
function literalOf(hostname: string): string | null {
  const bare = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  return parseIp(bare).ok ? bare : null;
}

/** A resolver's answer as an address; a link-local IPv6 address may carry a zone (`fe80::1%eth0`), which is not part of what it is. */
function parseAnswer(text: string): IpAddress | null {
  const parsed = parseIp(text.replace(/%.*$/, ""));
  return parsed.ok ? parsed.value : null;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Resolves the URL's host and judges every address it resolves to by what the address is (core's
 * `outboundRefusal`): one refused address refuses the host, since a client may connect to any of them. Hosts on
 * NOTIFY_ALLOWED_HOSTS are exempt; under NOTIFY_ALLOW_HTTP_LOCALHOST, localhost, 127.0.0.1 and [::1] may be loopback.
 * Called when a subscription is saved and again before every attempt, whose connection then uses only these addresses.
 */
export async function vetHost(url: URL, policy: AddressPolicy, timeoutMs: number): Promise<HostVerdict> {
  const host = url.hostname.replace(/\.$/, "");
  const literal = literalOf(host);
  let answers: string[];
  try {
    answers = literal === null ? await withDeadline(policy.resolve(host), timeoutMs) : [literal];
  } catch {
    return { kind: "unresolved" };
  }
  if (answers.length === 0) return { kind: "unresolved" };
  const exempt = policy.allowedHosts.has(host);
  const devLocal = policy.allowHttpLocalhost && localDevHosts.has(url.hostname);
  const addresses: PinnedAddress[] = [];
  for (const answer of answers) {
    const ip = parseAnswer(answer);
    // Fail closed: whatever a resolver returns that is not an address is not connected to.
    if (ip === null) return { kind: "refused", addressClass: "unparseable" };
    const refusal = exempt ? null : outboundRefusal(ip);
    if (refusal !== null && !(devLocal && refusal === "loopback")) return { kind: "refused", addressClass: refusal };
    addresses.push({ address: answer, family: ip.kind() === "ipv4" ? 4 : 6 });
  }
  return { kind: "allowed", addresses };
}

/**
 * A `lookup` for node's http(s) clients that answers with the checked addresses and never asks DNS again, so a
 * rebinding DNS server cannot swap the address between the check and the connection. TLS still verifies the
 * certificate against the URL's host name (SNI and the Host header keep it).
 */
export function pinnedLookup(addresses: readonly PinnedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === "IPv4" ? 4 : options.family === "IPv6" ? 6 : options.family;
    const usable = family === 4 || family === 6 ? addresses.filter((a) => a.family === family) : addresses;
    const first = usable[0];
    if (first === undefined) {
      callback(Object.assign(new Error("no checked address of the requested family"), { code: "ENOTFOUND" }), "", 0);
    } else if (options.all === true) {
      callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
    } else {
      callback(null, first.address, first.family);
    }
  };
}
