import type { Cidr, IpAddress } from "./parse.ts";

/** Addresses of different families never contain each other (no IPv4-mapped IPv6 equivalence, as in NSGs). */
export function cidrContainsIp(cidr: Cidr, ip: IpAddress): boolean {
  return ip.kind() === cidr.family && ip.match(cidr.network, cidr.prefixLength);
}

/** True when every address of `inner` is in `outer` (a prefix is a subset of itself). */
export function cidrIsSubsetOf(inner: Cidr, outer: Cidr): boolean {
  return inner.prefixLength >= outer.prefixLength && cidrContainsIp(outer, inner.network);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrIsSubsetOf(a, b) || cidrIsSubsetOf(b, a);
}

export function ipEquals(a: IpAddress, b: IpAddress): boolean {
  return a.kind() === b.kind() && a.match(b, a.kind() === "ipv4" ? 32 : 128);
}

export function cidrEquals(a: Cidr, b: Cidr): boolean {
  return a.prefixLength === b.prefixLength && ipEquals(a.network, b.network);
}
