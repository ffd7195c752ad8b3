import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { formatCidr, parseCidr, parseCidrStrict } from "../../net/parse.ts";
import type { AllowedSources, JitPolicy, JitPortRule, JitProtocol } from "../../planner/types.ts";
import type { AccessRequest, RequestedPort } from "../types.ts";

/** Test-only: random policies and requests that often fit them (sources drawn from inside the allowed prefixes). */

function canonical(ip: string, length: number): string {
  const parsed = parseCidr(`${ip}/${length}`);
  if (!parsed.ok) throw new Error(`bad generated CIDR ${ip}/${length}`);
  return formatCidr(parsed.value);
}

const v4CidrArb = fc.tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 })).map(([ip, length]) => canonical(ip, length));
const v6CidrArb = fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.integer({ min: 16, max: 128 })).map(([bytes, length]) => canonical(ipaddr.fromByteArray([...bytes]).toString(), length));
export const cidrArb = fc.oneof(v4CidrArb, v6CidrArb);
export const everyoneTokens = ["*", "Any", "Internet", "0.0.0.0/0", "::/0"];
/** All (or half) of an address family spelled as pieces: what the union rule exists for. */
export const disguisedEveryone: readonly (readonly string[])[] = [
  ["0.0.0.0/1", "128.0.0.0/1"],
  ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"],
  ["128.0.0.0/1"],
  ["::/1", "8000::/1"],
  ["10.0.0.0/25", "10.0.0.128/25", "10.0.1.0/24"],
];

/** A random prefix inside `prefix` (possibly `prefix` itself), as a CIDR or, for one host, a bare IP. */
export function subsetArb(prefix: string): fc.Arbitrary<string> {
  const parsed = parseCidrStrict(prefix);
  if (!parsed.ok) throw new Error(`bad allowed prefix ${prefix}`);
  const { network, prefixLength, family } = parsed.value;
  const bits = family === "ipv4" ? 32 : 128;
  return fc.record({ random: fc.uint8Array({ minLength: bits / 8, maxLength: bits / 8 }), extra: fc.integer({ min: 0, max: bits - prefixLength }), bare: fc.boolean() }).map(({ random, extra, bare }) => {
    const bytes = network.toByteArray().map((byte, i) => {
      const kept = Math.max(0, Math.min(8, prefixLength - 8 * i));
      const mask = (0xff << (8 - kept)) & 0xff;
      return (byte & mask) | ((random[i] ?? 0) & ~mask & 0xff);
    });
    const inner = parseCidr(`${ipaddr.fromByteArray(bytes).toString()}/${prefixLength + extra}`);
    if (!inner.ok) throw new Error("bad subset");
    return formatCidr(inner.value, { bareHost: bare });
  });
}

/** Ports with fixed sources draw them from one pool per policy, so a source can fit several ports at once. */
const allowedSourcesArb = (pool: string[]): fc.Arbitrary<AllowedSources> =>
  fc.oneof(
    fc.constant<AllowedSources>({ kind: "per-request" }),
    fc.record({ ipv4: fc.integer({ min: 8, max: 32 }), ipv6: fc.integer({ min: 16, max: 128 }) }).map((maxPrefixSize): AllowedSources => ({ kind: "per-request", maxPrefixSize })),
    fc.constant<AllowedSources>({ kind: "any" }),
    fc.subarray(pool, { minLength: 1 }).map((prefixes): AllowedSources => ({ kind: "prefixes", prefixes })),
  );

const ruleArb = (pool: string[], port: number, protocol: JitProtocol): fc.Arbitrary<JitPortRule> =>
  fc.record({ allowedSources: allowedSourcesArb(pool), maxRequestMinutes: fc.integer({ min: 5, max: 1440 }) }).map((rest) => ({ port, protocol, ...rest }));

const portChoicesArb = fc.uniqueArray(fc.tuple(fc.constantFrom(22, 53, 3389, 5985, 5986, 8443), fc.constantFrom("TCP", "UDP", "Any", "pair")), { selector: ([port]) => port, minLength: 1, maxLength: 3 });

/** 1-3 distinct ports, each on TCP, UDP, Any, or TCP and UDP as two rules. */
export const policyArb: fc.Arbitrary<JitPolicy> = fc
  .tuple(fc.uniqueArray(cidrArb, { minLength: 1, maxLength: 3 }), portChoicesArb)
  .chain(([pool, choices]) => fc.tuple(...choices.map(([port, kind]) => (kind === "pair" ? fc.tuple(ruleArb(pool, port, "TCP"), ruleArb(pool, port, "UDP")) : ruleArb(pool, port, kind).map((rule) => [rule])))))
  .map((groups) => ({ ports: groups.flat() }));

const everyoneArb = fc.constantFrom(...everyoneTokens);

/** A request against `policy`: mostly its own ports and sources inside what it allows, sometimes not. */
export function requestArb(policy: JitPolicy): fc.Arbitrary<AccessRequest> {
  const allowed = policy.ports.flatMap((rule) => (rule.allowedSources.kind === "prefixes" ? rule.allowedSources.prefixes : []));
  const insideArb = allowed.length === 0 ? cidrArb : fc.constantFrom(...allowed).chain(subsetArb);
  const portArb: fc.Arbitrary<RequestedPort> = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...policy.ports).chain((rule) => fc.constantFrom<RequestedPort>({ port: rule.port }, { port: rule.port, protocol: rule.protocol })) },
    { weight: 1, arbitrary: fc.constant<RequestedPort>({ port: 9999 }) },
  );
  const hostArb = allowed.length === 0 ? fc.ipV4() : fc.constantFrom(...allowed).chain(subsetArb).map((cidr) => cidr.split("/")[0] ?? cidr);
  const sourcesArb: fc.Arbitrary<AccessRequest["sources"]> = fc.oneof(
    fc.oneof(hostArb, fc.ipV4()).map((ip) => ({ kind: "my-ip" as const, ip })),
    fc.array(fc.oneof({ weight: 6, arbitrary: insideArb }, { weight: 2, arbitrary: cidrArb }, { weight: 2, arbitrary: everyoneArb }), { minLength: 1, maxLength: 4 }).map((prefixes) => ({ kind: "ranges" as const, prefixes })),
    fc.constantFrom(...disguisedEveryone).map((prefixes) => ({ kind: "ranges" as const, prefixes: [...prefixes] })),
  );
  return fc.record({
    ports: fc.array(portArb, { minLength: 1, maxLength: 3 }),
    sources: sourcesArb,
    durationMinutes: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 5, max: 240 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 1500 }) }),
    justification: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
  });
}
