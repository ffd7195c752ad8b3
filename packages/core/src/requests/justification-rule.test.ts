import type { JustificationRule } from "@portcullis/contract";
import { describe, expect, it } from "vitest";
import { policy, port } from "../planner/test-support/fixtures.ts";
import { fitRequest } from "./fit-request.ts";
import { justificationRuleIssues, justificationRuleProblems } from "./justification-rule.ts";
import { describeJustificationRule } from "./justification-text.ts";

const incident: JustificationRule = { minLength: 0, pattern: "^(INC|CHG)\\d{6}", hint: "Enter the incident or change number, like INC123456" };
const refusedIncident = `${incident.hint} (must match the pattern ${incident.pattern})`;

describe("justification rules: which texts a rule accepts and refuses", () => {
  it.each<{ text: string; rule: JustificationRule | null; refused: string[] }>([
    { text: "INC123456", rule: incident, refused: [] },
    { text: "CHG000001 roll out the patch", rule: incident, refused: [] },
    { text: "INC1234567 (a seven-digit number starts with six)", rule: incident, refused: [] },
    { text: "inc123456", rule: incident, refused: [refusedIncident] },
    { text: "INC12345", rule: incident, refused: [refusedIncident] },
    { text: "see INC123456", rule: incident, refused: [refusedIncident] },
    { text: "fix the deploy", rule: incident, refused: [refusedIncident] },
    { text: "fix the deploy", rule: { minLength: 20, pattern: null, hint: null }, refused: ["must be at least 20 characters (this VM's policy)"] },
    { text: "fix the deploy on web-01", rule: { minLength: 20, pattern: null, hint: null }, refused: [] },
    // Characters as people count them: four emoji are four characters, not eight UTF-16 units.
    { text: "🔥🔥🔥🔥", rule: { minLength: 5, pattern: null, hint: null }, refused: ["must be at least 5 characters (this VM's policy)"] },
    { text: "INC1", rule: { ...incident, minLength: 10 }, refused: ["must be at least 10 characters (this VM's policy)", refusedIncident] },
    { text: "anything", rule: null, refused: [] },
  ])("$text under $rule.pattern / min $rule.minLength -> $refused", ({ text, rule, refused }) => {
    expect(justificationRuleProblems(text, rule)).toEqual(refused);
  });

  it("a catastrophic pattern for a backtracking engine matches in linear time: (a+)+$ against 1,000 a's and a b", () => {
    const rule: JustificationRule = { minLength: 0, pattern: "^(a+)+$", hint: "only a's" };
    const started = performance.now();
    expect(justificationRuleProblems(`${"a".repeat(999)}b`, rule)).toEqual(["only a's (must match the pattern ^(a+)+$)"]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("justification rules: the rule itself when an admin saves it", () => {
  it.each<{ when: string; rule: JustificationRule; issues: Array<{ field: string; rule: RegExp }> }>([
    { when: "a good pattern with its hint", rule: incident, issues: [] },
    { when: "only a minimum length", rule: { minLength: 12, pattern: null, hint: null }, issues: [] },
    { when: "an unclosed group", rule: { ...incident, pattern: "^(INC" }, issues: [{ field: "pattern", rule: /is not a valid pattern .*missing closing \)/ }] },
    { when: "a backreference (not RE2)", rule: { ...incident, pattern: "(a)\\1" }, issues: [{ field: "pattern", rule: /is not a valid pattern \(RE2 syntax: no backreferences or lookaround\)/ }] },
    { when: "a lookahead (not RE2)", rule: { ...incident, pattern: "^(?=INC)" }, issues: [{ field: "pattern", rule: /is not a valid pattern/ }] },
    { when: "a pattern over 200 characters", rule: { ...incident, pattern: "a".repeat(201) }, issues: [{ field: "pattern", rule: /at most 200 characters/ }] },
    { when: "a pattern without a hint", rule: { ...incident, hint: null }, issues: [{ field: "hint", rule: /is required with a pattern/ }] },
    { when: "a negative minimum", rule: { minLength: -1, pattern: null, hint: null }, issues: [{ field: "minLength", rule: /between 0 and 1000/ }] },
    { when: "a minimum over the 1,000-character cap", rule: { minLength: 1001, pattern: null, hint: null }, issues: [{ field: "minLength", rule: /between 0 and 1000/ }] },
  ])("$when", ({ rule, issues }) => {
    const found = justificationRuleIssues(rule);
    expect(found.map((i) => i.field)).toEqual(issues.map((i) => i.field));
    found.forEach((issue, index) => expect(issue.rule).toMatch(issues[index]?.rule ?? /^$/));
  });
});

describe("fitRequest with a justification rule", () => {
  const base = { policy: policy(port(22)), now: new Date("2030-01-01T00:00:00Z") };
  const request = (justification?: string) => ({ ports: [{ port: 22 }], sources: { kind: "my-ip" as const, ip: "203.0.113.7" }, durationMinutes: 60, ...(justification === undefined ? {} : { justification }) });

  it("refuses a text that breaks the rule, naming the field and the hint", () => {
    const fit = fitRequest({ ...base, request: request("fix the deploy"), justificationRequired: true, justificationRule: incident });
    expect(fit).toEqual({ ok: false, problems: [{ field: "justification", rule: refusedIncident }] });
  });

  it("an optional justification may be left out, but one given must follow the rule", () => {
    expect(fitRequest({ ...base, request: request(), justificationRequired: false, justificationRule: incident }).ok).toBe(true);
    expect(fitRequest({ ...base, request: request("   "), justificationRequired: false, justificationRule: incident }).ok).toBe(true);
    expect(fitRequest({ ...base, request: request("later"), justificationRequired: false, justificationRule: incident })).toMatchObject({ ok: false, problems: [{ field: "justification" }] });
  });

  it("a required one is still required, and is matched after trimming", () => {
    expect(fitRequest({ ...base, request: request(), justificationRequired: true, justificationRule: incident })).toEqual({ ok: false, problems: [{ field: "justification", rule: "is required by this VM's policy" }] });
    expect(fitRequest({ ...base, request: request("  INC123456 reboot  "), justificationRequired: true, justificationRule: incident })).toMatchObject({ ok: true, grant: { justification: "INC123456 reboot" } });
  });
});

describe("describeJustificationRule: the helper text shown before the requester types", () => {
  it.each([
    { required: true, rule: incident, text: "Required. Enter the incident or change number, like INC123456" },
    { required: false, rule: { minLength: 10, pattern: null, hint: null }, text: "Optional. At least 10 characters" },
    { required: true, rule: { ...incident, minLength: 12 }, text: "Required. At least 12 characters. Enter the incident or change number, like INC123456" },
    { required: false, rule: null, text: "Optional" },
  ])("$text", ({ required, rule, text }) => expect(describeJustificationRule(required, rule)).toBe(text));
});
