import ipaddr from "ipaddr.js";
import { cidrContainsIp } from "./compare.ts";
import type { Cidr, IpAddress } from "./parse.ts";

function toBigInt(ip: IpAddress): bigint {
  return ip.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
}

function fromBigInt(value: bigint, family: Cidr["family"]): IpAddress {
  const length = family === "ipv4" ? 4 : 16;
  const bytes = Array.from({ length }, (_, i) => Number((value >> BigInt(8 * (length - 1 - i))) & 0xffn));
  return ipaddr.fromByteArray(bytes);
}

const bitsOf = (family: Cidr["family"]): number => (family === "ipv4" ? 32 : 128);

/** The address just past the end of a prefix, or null past the family's last address. */
function after(cidr: Cidr): IpAddress | null {
  const next = toBigInt(cidr.network) + (1n << BigInt(bitsOf(cidr.family) - cidr.prefixLength));
  return next >> BigInt(bitsOf(cidr.family)) === 0n ? fromBigInt(next, cidr.family) : null;
}

/**
 * Addresses that stand for a whole prefix when rules are matched against it: its first address, and the first
 * address of every stretch where some boundary prefix (a rule's destination, a VNet prefix) starts or ends
 * inside it. Between two such points every address matches exactly the same prefixes, so a verdict found for
 * the points holds for the whole block. A single address stands for itself.
 */
export function representativeAddresses(prefix: Cidr, boundaries: readonly Cidr[]): IpAddress[] {
  const points = new Map<string, IpAddress>([[prefix.network.toString(), prefix.network]]);
  if (prefix.prefixLength === bitsOf(prefix.family)) return [...points.values()];
  for (const boundary of boundaries) {
    if (boundary.family !== prefix.family || boundary.prefixLength <= prefix.prefixLength) continue;
    for (const point of [boundary.network, after(boundary)]) {
      if (point !== null && cidrContainsIp(prefix, point)) points.set(point.toString(), point);
    }
  }
  return [...points.values()];
}
