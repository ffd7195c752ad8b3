import type { AutoApprovalRule } from "@portcullis/contract";
import { describe, expect, it } from "vitest";
import { autoApprovalRuleIssues, decideAutoApproval, withinHours, type AutoApprovalInput } from "./auto-approval.ts";

const onCall: AutoApprovalRule = { name: "on-call", groups: ["grp-on-call"], hours: null, ports: [], maxDuration: null };
const base: AutoApprovalInput = { groups: ["grp-developers", "GRP-ON-CALL"], groupsOverflowed: false, ports: [{ port: 22, protocol: "TCP" }], durationMinutes: 60, now: new Date("2030-06-03T10:00:00Z") };

describe("decideAutoApproval: every stated condition must hold", () => {
  it.each<{ when: string; rule: AutoApprovalRule; input?: Partial<AutoApprovalInput>; unmet: string[] }>([
    { when: "a member of the group (any case)", rule: onCall, unmet: [] },
    { when: "not a member", rule: onCall, input: { groups: ["grp-developers"] }, unmet: ["groups"] },
    { when: "no groups claim at all", rule: onCall, input: { groups: [] }, unmet: ["groups"] },
    { when: "the claim overflowed and no directory answered", rule: onCall, input: { groupsOverflowed: true, groups: [] }, unmet: ["groups"] },
    { when: "the claim overflowed and the directory lists the group", rule: onCall, input: { groupsOverflowed: true, groups: [], directoryGroups: ["grp-on-call"] }, unmet: [] },
    { when: "within 08:00-18:00 UTC", rule: { ...onCall, hours: { from: "08:00", to: "18:00", timeZone: "UTC" } }, unmet: [] },
    { when: "at 18:00 UTC, the end of 08:00-18:00 (exclusive)", rule: { ...onCall, hours: { from: "08:00", to: "18:00", timeZone: "UTC" } }, input: { now: new Date("2030-06-03T18:00:00Z") }, unmet: ["hours"] },
    { when: "10:00 UTC is 19:00 in Tokyo, outside 08:00-18:00 Asia/Tokyo", rule: { ...onCall, hours: { from: "08:00", to: "18:00", timeZone: "Asia/Tokyo" } }, unmet: ["hours"] },
    { when: "a night shift 22:00-06:00 at 03:00", rule: { ...onCall, hours: { from: "22:00", to: "06:00", timeZone: "UTC" } }, input: { now: new Date("2030-06-03T03:00:00Z") }, unmet: [] },
    { when: "a night shift 22:00-06:00 at noon", rule: { ...onCall, hours: { from: "22:00", to: "06:00", timeZone: "UTC" } }, input: { now: new Date("2030-06-03T12:00:00Z") }, unmet: ["hours"] },
    { when: "only the rule's ports", rule: { ...onCall, ports: [22] }, unmet: [] },
    { when: "a port beyond the rule's", rule: { ...onCall, ports: [22] }, input: { ports: [{ port: 22, protocol: "TCP" }, { port: 3389, protocol: "TCP" }] }, unmet: ["ports"] },
    { when: "exactly the maximum duration", rule: { ...onCall, maxDuration: "PT1H" }, unmet: [] },
    { when: "longer than the maximum duration", rule: { ...onCall, maxDuration: "PT1H" }, input: { durationMinutes: 61 }, unmet: ["maxDuration"] },
    { when: "everything unmet at once", rule: { name: "all", groups: ["x"], hours: { from: "00:00", to: "01:00", timeZone: "UTC" }, ports: [3389], maxDuration: "PT30M" }, unmet: ["groups", "hours", "ports", "maxDuration"] },
  ])("$when", ({ rule, input, unmet }) => {
    const decision = decideAutoApproval(rule, { ...base, ...input });
    expect(decision.rule).toBe(rule.name);
    expect(decision.approved ? [] : decision.unmet.map((u) => u.condition)).toEqual(unmet);
  });

  it("says why in words: the group, the hours, the ports, the duration", () => {
    const decision = decideAutoApproval({ name: "all", groups: ["grp-on-call"], hours: { from: "08:00", to: "09:00", timeZone: "UTC" }, ports: [3389], maxDuration: "PT30M" }, { ...base, groups: [] });
    expect(decision).toEqual({
      approved: false,
      rule: "all",
      unmet: [
        { condition: "groups", reason: "the requester is not in the group grp-on-call" },
        { condition: "hours", reason: "the request was made outside 08:00-09:00 UTC" },
        { condition: "ports", reason: "port 22 is not among the rule's ports 3389" },
        { condition: "maxDuration", reason: "60 minutes is longer than the rule's PT30M" },
      ],
    });
  });
});

describe("autoApprovalRuleIssues: what the schema cannot check", () => {
  it.each<{ when: string; rule: AutoApprovalRule; issues: string[] }>([
    { when: "a good rule", rule: { ...onCall, hours: { from: "22:00", to: "06:00", timeZone: "Europe/Berlin" }, ports: [22] }, issues: [] },
    { when: "an unknown time zone", rule: { ...onCall, hours: { from: "08:00", to: "18:00", timeZone: "Mars/Olympus" } }, issues: ["hours.timeZone"] },
    { when: "empty hours", rule: { ...onCall, hours: { from: "08:00", to: "08:00", timeZone: "UTC" } }, issues: ["hours.to"] },
    { when: "a port the policy lacks", rule: { ...onCall, ports: [22, 8080] }, issues: ["ports[1]"] },
    { when: "a repeated group", rule: { ...onCall, groups: ["a", "A"] }, issues: ["groups[1]"] },
  ])("$when", ({ rule, issues }) => {
    expect(autoApprovalRuleIssues(rule, [22, 3389]).map((i) => i.field)).toEqual(issues);
  });

  it("withinHours reads the wall clock of the named zone (summer time included)", () => {
    // 06:30 UTC on a June day is 08:30 in Berlin (CEST, UTC+2).
    expect(withinHours({ from: "08:00", to: "09:00", timeZone: "Europe/Berlin" }, new Date("2030-06-03T06:30:00Z"))).toBe(true);
    expect(withinHours({ from: "08:00", to: "09:00", timeZone: "Europe/Berlin" }, new Date("2030-01-03T06:30:00Z"))).toBe(false);
  });
});
