import ipaddr from "ipaddr.js";

export type IpFamily = "ipv4" | "ipv6";
/** A parsed IPv4 or IPv6 address (ipaddr.js objects; `kind()` gives the family). */
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** A prefix whose `network` always has its host bits cleared. */
export interface Cidr {
  readonly family: IpFamily;
  readonly network: IpAddress;
  readonly prefixLength: number;
}

export type ParseResult<T, Reason extends string> = { ok: true; value: T } | { ok: false; reason: Reason };

export type IpParseFailure = "empty" | "malformed";
/** Why a prefix is not a CIDR at all (any parser). */
export type CidrSyntaxFailure = "empty" | "malformed" | "prefix length out of range";
export type CidrParseFailure = CidrSyntaxFailure | "host bits set";

const maxPrefixLength: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };
const digitsOnly = /^\d{1,3}$/;

/**
 * Parses an IP address in the forms Azure accepts: dotted-quad IPv4 (no octal,
 * hex or shortened forms, which ipaddr.js would otherwise accept) or IPv6
 * without a zone id. Input is not trimmed.
 */
export function parseIp(text: string): ParseResult<IpAddress, IpParseFailure> {
  if (text.length === 0) return { ok: false, reason: "empty" };
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { ok: true, value: ipaddr.IPv4.parse(text) };
  if (!text.includes(":") || text.includes("%") || !ipaddr.IPv6.isValid(text)) return { ok: false, reason: "malformed" };
  return { ok: true, value: ipaddr.IPv6.parse(text) };
}

interface SplitCidr {
  address: IpAddress;
  prefixLength: number;
}

function splitCidr(text: string): ParseResult<SplitCidr, CidrSyntaxFailure> {
  if (text.length === 0) return { ok: false, reason: "empty" };
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const parsed = parseIp(addressText);
  if (!parsed.ok) return { ok: false, reason: "malformed" };
  const family = parsed.value.kind();
  if (slash === -1) return { ok: true, value: { address: parsed.value, prefixLength: maxPrefixLength[family] } };
  const lengthText = text.slice(slash + 1);
  if (!digitsOnly.test(lengthText)) return { ok: false, reason: "malformed" };
  const prefixLength = Number(lengthText);
  if (prefixLength > maxPrefixLength[family]) return { ok: false, reason: "prefix length out of range" };
  return { ok: true, value: { address: parsed.value, prefixLength } };
}

function networkOf(address: IpAddress, prefixLength: number): IpAddress {
  const text = `${address.toString()}/${prefixLength}`;
  return address.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
}

function sameBytes(a: IpAddress, b: IpAddress): boolean {
  const x = a.toByteArray();
  const y = b.toByteArray();
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}

/**
 * Parses a CIDR or a bare IP (a /32 or /128), tolerating host bits (they are
 * cleared): what the evaluator uses on rules ARM already accepted.
 */
export function parseCidr(text: string): ParseResult<Cidr, CidrSyntaxFailure> {
  const split = splitCidr(text);
  if (!split.ok) return split;
  const { address, prefixLength } = split.value;
  return { ok: true, value: { family: address.kind(), network: networkOf(address, prefixLength), prefixLength } };
}

/**
 * Parses a CIDR or a bare IP as ARM validates a rule prefix: `10.0.0.1/24` is
 * rejected with "host bits set" (ARM's SecurityRuleInvalidAddressPrefix).
 */
export function parseCidrStrict(text: string): ParseResult<Cidr, CidrParseFailure> {
  const split = splitCidr(text);
  if (!split.ok) return split;
  const { address, prefixLength } = split.value;
  const network = networkOf(address, prefixLength);
  if (!sameBytes(network, address)) return { ok: false, reason: "host bits set" };
  return { ok: true, value: { family: address.kind(), network, prefixLength } };
}

/** Canonical text: dotted quad, or RFC 5952 (lower case, shortest `::`) for IPv6. */
export function formatIp(ip: IpAddress): string {
  return ip.kind() === "ipv4" ? ip.toString() : (ip as ipaddr.IPv6).toRFC5952String();
}

export interface FormatCidrOptions {
  /** Write a single-host prefix (/32, /128) as a bare IP, as Azure shows them. */
  bareHost?: boolean;
}

export function formatCidr(cidr: Cidr, options: FormatCidrOptions = {}): string {
  const ip = formatIp(cidr.network);
  if (options.bareHost === true && cidr.prefixLength === maxPrefixLength[cidr.family]) return ip;
  return `${ip}/${cidr.prefixLength}`;
}

/** Strictly parses and re-formats a CIDR (e.g. `2001:DB8:0::/48` -> `2001:db8::/48`). */
export function canonicalizeCidr(text: string, options: FormatCidrOptions = {}): ParseResult<string, CidrParseFailure> {
  const parsed = parseCidrStrict(text);
  return parsed.ok ? { ok: true, value: formatCidr(parsed.value, options) } : parsed;
}

export function isSingleHost(cidr: Cidr): boolean {
  return cidr.prefixLength === maxPrefixLength[cidr.family];
}
