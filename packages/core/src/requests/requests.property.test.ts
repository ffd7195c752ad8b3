import fc from "fast-check";
import { describe, expect, it } from "vitest";
import ipaddr from "ipaddr.js";
import { cidrContainsIp, cidrIsSubsetOf } from "../net/compare.ts";
import { exceedsLimits, isWide, sourceCoverage } from "../net/coverage.ts";
import { parseCidrStrict } from "../net/parse.ts";
import { sourceLimitsOf } from "../planner/policy-validation.ts";
import type { Cidr } from "../net/parse.ts";
import { nsg, rule } from "../test-support/fixtures.ts";
import { planGrant } from "../planner/plan-grant.ts";
import { planEnable } from "../planner/plan-policy.ts";
import { after, vmPosition } from "../planner/test-support/fixtures.ts";
import type { JitPolicy, JitPortRule } from "../planner/types.ts";
import { resolveClientIp } from "./client-ip.ts";
import { fitRequest } from "./fit-request.ts";
import { cidrArb, policyArb, requestArb } from "./test-support/arbitraries.ts";
import type { FittedRequest } from "./types.ts";

const runs = { numRuns: 1000 };
const nowArb = fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true });
const caseArb = policyArb.chain((policy) => fc.record({ policy: fc.constant(policy), request: requestArb(policy), now: nowArb, justificationRequired: fc.boolean() }));


function rulesOf(policy: JitPolicy, grant: FittedRequest): JitPortRule[] {
  return grant.ports.map((port) => {
    const found = policy.ports.find((r) => r.port === port.port && r.protocol === port.protocol);
    if (found === undefined) throw new Error(`fitted port ${port.port}/${port.protocol} is not in the policy`);
    return found;
  });
}

function cidrOf(text: string): Cidr {
  const parsed = parseCidrStrict(text);
  if (!parsed.ok) throw new Error(`${text} is not a strict CIDR`);
  return parsed.value;
}

describe("request fitting properties", () => {
  // Each property also counts the cases that exercised it, so one that only ever met refusals fails instead of passing vacuously.
  it("a fitted request's sources are always subsets of the policy's allowed prefixes", () => {
    let fittedWithFixedSources = 0;
    fc.assert(
      fc.property(caseArb, (input) => {
        const result = fitRequest(input);
        if (!result.ok) return;
        for (const portRule of rulesOf(input.policy, result.grant)) {
          if (portRule.allowedSources.kind !== "prefixes") continue;
          const allowed = portRule.allowedSources.prefixes.map(cidrOf);
          fittedWithFixedSources++;
          for (const source of result.grant.sourcePrefixes) {
            expect(source).not.toBe("*");
            const cidr = cidrOf(source);
            expect(allowed.some((outer) => cidrIsSubsetOf(cidr, outer)), `${source} within ${portRule.allowedSources.prefixes.join(", ")}`).toBe(true);
          }
        }
      }),
      runs,
    );
    expect(fittedWithFixedSources).toBeGreaterThan(20);
  });

  it("fitting never yields sources that cover more than the policy allows, however they are spelled", () => {
    let fittedWide = 0;
    let refusedWide = 0;
    fc.assert(
      fc.property(caseArb, (input) => {
        const result = fitRequest(input);
        const asked = input.request.sources.kind === "ranges" ? input.request.sources.prefixes : [];
        if (!result.ok) {
          const askedCoverage = sourceCoverage(asked);
          if (asked.length > 0 && askedCoverage.unparsed.length === 0 && isWide(askedCoverage) && result.problems.some((p) => p.field.startsWith("sources"))) refusedWide++;
          return;
        }
        const rules = rulesOf(input.policy, result.grant);
        const coverage = sourceCoverage(result.grant.sourcePrefixes);
        if (coverage.everyAddress) expect(rules.every((r) => r.allowedSources.kind === "any"), `${result.grant.sourcePrefixes.join(", ")} on ${rules.map((r) => r.allowedSources.kind).join(", ")}`).toBe(true);
        for (const rule of rules) {
          if (rule.allowedSources.kind === "per-request") expect(exceedsLimits(coverage, sourceLimitsOf(rule)), `${result.grant.sourcePrefixes.join(", ")} within the port's limit`).toBeNull();
        }
        const wide = coverage.everyAddress || rules.some((rule) => isWide(coverage, sourceLimitsOf(rule)));
        expect(result.grant.opensToAnyAddress).toBe(wide);
        if (wide) fittedWide++;
      }),
      runs,
    );
    expect(fittedWide).toBeGreaterThan(3);
    expect(refusedWide).toBeGreaterThan(20);
  });

  it("endsAt - startsAt equals the requested duration and never exceeds the max", () => {
    let fitted = 0;
    fc.assert(
      fc.property(caseArb, (input) => {
        const result = fitRequest(input);
        if (!result.ok) return;
        fitted++;
        const { startsAt, endsAt, ports } = result.grant;
        const lasted = endsAt.getTime() - startsAt.getTime();
        expect(lasted).toBe(input.request.durationMinutes * 60_000);
        expect(lasted).toBeGreaterThanOrEqual(5 * 60_000);
        expect(ports.length).toBeGreaterThan(0);
        for (const portRule of rulesOf(input.policy, result.grant)) expect(lasted).toBeLessThanOrEqual(portRule.maxRequestMinutes * 60_000);
        expect(startsAt.getTime() % 1000).toBe(0);
        expect(input.now.getTime() - startsAt.getTime()).toBeGreaterThanOrEqual(0);
        expect(input.now.getTime() - startsAt.getTime()).toBeLessThan(1000);
      }),
      runs,
    );
    expect(fitted).toBeGreaterThan(100);
  });

  it("planGrant accepts every fitted request (its own re-check agrees)", () => {
    const base = nsg("nsg-nic", [rule({ name: "mgmt", priority: 300, destinationPortRanges: ["*"], protocol: "*" })]);
    const vm = vmPosition("vm1", [{ ips: ["10.1.0.4", "2001:db8:1::4"], nicNsg: base }]);
    fc.assert(
      fc.property(caseArb, (input) => {
        const result = fitRequest(input);
        if (!result.ok) return;
        const enabled = after(planEnable({ vms: [{ position: vm, policy: input.policy }], nsgs: [base] }), base);
        const { sourcePrefixes, ports, endsAt } = result.grant;
        const planned = planGrant({ grants: [{ id: "g-1", vm, policy: input.policy, sourcePrefixes, ports, endsAt }], nsgs: [enabled] });
        expect(planned.ok ? "ok" : planned.message).toBe("ok");
      }),
      { numRuns: 300 },
    );
  });
});

const hopArb = (trusted: readonly string[]) =>
  fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.constantFrom("unknown", "", "garbage", "[::1]:80", "203.0.113.7:443"),
    ...trusted.map((cidr) => fc.constant(cidr.split("/")[0] ?? cidr)),
  );

describe("client IP properties", () => {
  it("resolveClientIp with an untrusted remote address returns the remote address whatever the header says", () => {
    const remoteArb = fc.oneof(
      fc.ipV4().map((ip) => ({ remote: ip, expected: ip })),
      fc.ipV4().map((ip) => ({ remote: `::ffff:${ip}`, expected: ip })),
      fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => {
        const ip = ipaddr.fromByteArray([...bytes]) as ipaddr.IPv6;
        return { remote: ip.toNormalizedString().toUpperCase(), expected: ip.toRFC5952String() };
      }).filter(({ remote }) => !(ipaddr.parse(remote) as ipaddr.IPv6).isIPv4MappedAddress()),
    );
    const scenarioArb = fc.array(cidrArb, { maxLength: 4 }).chain((trusted) =>
      fc.record({ trusted: fc.constant(trusted), remote: remoteArb, header: fc.option(fc.array(hopArb(trusted), { maxLength: 5 }).map((hops) => hops.join(", ")), { nil: undefined }) }),
    );
    fc.assert(
      fc.property(scenarioArb, ({ trusted, remote, header }) => {
        const address = ipaddr.parse(remote.expected);
        fc.pre(!trusted.map(cidrOf).some((cidr) => cidrContainsIp(cidr, address)));
        expect(resolveClientIp({ remoteAddress: remote.remote, forwardedFor: header, trustedProxies: trusted })).toBe(remote.expected);
      }),
      runs,
    );
  });
});
