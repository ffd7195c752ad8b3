import { fieldPath, isoDurationMinutes, type AutoApprovalRule } from "@portcullis/contract";
import type { GrantPort } from "../planner/types.ts";

/**
 * Automatic approval by rule, pure: whether a request meets every condition its policy's rule states (groups,
 * hours, ports, duration). The BFF opens a request that does without an approver and records which rule approved it.
 */

/** What the rule is judged on: the requester's groups as the token says, the request, and the server's clock. */
export interface AutoApprovalInput {
  /** Group ids from the token's `groups` claim, any case. */
  groups: readonly string[];
  /**
   * The token's groups claim overflowed (Entra sends `_claim_names`/`hasgroups` instead of the list when a user is in
   * too many groups): membership is unknown unless `directoryGroups` says it.
   */
  groupsOverflowed: boolean;
  /** The requester's groups from a directory lookup, when the claim overflowed and a directory could say; else null. */
  directoryGroups?: readonly string[] | null;
  ports: readonly GrantPort[];
  durationMinutes: number;
  now: Date;
}

/** One condition that does not hold, named as the rule names it (`groups`, `hours`, `ports`, `maxDuration`). */
export interface UnmetCondition {
  condition: "groups" | "hours" | "ports" | "maxDuration";
  reason: string;
}

export type AutoApprovalDecision = { approved: true; rule: string } | { approved: false; rule: string; unmet: UnmetCondition[] };

/** Minutes since midnight of `now` in `timeZone` (an IANA name or UTC). */
export function minutesOfDay(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? "0");
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? "0");
  return hour * 60 + minute;
}

function clockMinutes(text: string): number {
  const [h, m] = text.split(":");
  return Number(h) * 60 + Number(m);
}

/** Whether `timeZone` is a zone the runtime knows (`UTC`, `Europe/Berlin`). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Whether `now` falls within the hours (from inclusive, to exclusive; to before from spans midnight). */
export function withinHours(hours: NonNullable<AutoApprovalRule["hours"]>, now: Date): boolean {
  const at = minutesOfDay(now, hours.timeZone);
  const from = clockMinutes(hours.from);
  const to = clockMinutes(hours.to);
  return from < to ? at >= from && at < to : at >= from || at < to;
}

/** A rule's problems the schema cannot see: an unknown time zone, empty hours, ports the policy does not have. */
export function autoApprovalRuleIssues(rule: AutoApprovalRule, policyPorts: readonly number[]): Array<{ field: string; rule: string }> {
  const issues: Array<{ field: string; rule: string }> = [];
  if (rule.hours !== null) {
    if (!isKnownTimeZone(rule.hours.timeZone)) issues.push({ field: "hours.timeZone", rule: `"${rule.hours.timeZone}" is not a time zone: give UTC or an IANA name such as Europe/Berlin` });
    if (rule.hours.from === rule.hours.to) issues.push({ field: "hours.to", rule: "must differ from hours.from (the hours would be empty)" });
  }
  rule.ports.forEach((port, index) => {
    if (!policyPorts.includes(port)) issues.push({ field: fieldPath(["ports", index]), rule: `port ${port} is not one of this policy's ports` });
  });
  const seen = new Set<string>();
  rule.groups.forEach((group, index) => {
    const key = group.toLowerCase();
    if (seen.has(key)) issues.push({ field: fieldPath(["groups", index]), rule: "repeats an earlier group" });
    seen.add(key);
  });
  return issues;
}

function describeHours(hours: NonNullable<AutoApprovalRule["hours"]>): string {
  return `${hours.from}-${hours.to} ${hours.timeZone}`;
}

/** Whether the request meets every condition the rule states; else which do not hold and why. */
export function decideAutoApproval(rule: AutoApprovalRule, input: AutoApprovalInput): AutoApprovalDecision {
  const unmet: UnmetCondition[] = [];
  if (rule.groups.length > 0) {
    const wanted = new Set(rule.groups.map((g) => g.toLowerCase()));
    const known = input.groupsOverflowed ? (input.directoryGroups ?? null) : input.groups;
    if (known === null) {
      unmet.push({ condition: "groups", reason: "the token's groups claim overflowed (too many groups) and no directory lookup is configured, so membership cannot be checked" });
    } else if (!known.some((g) => wanted.has(g.toLowerCase()))) {
      unmet.push({ condition: "groups", reason: `the requester is not in ${rule.groups.length === 1 ? "the group" : "any of the groups"} ${rule.groups.join(", ")}` });
    }
  }
  if (rule.hours !== null && !withinHours(rule.hours, input.now)) {
    unmet.push({ condition: "hours", reason: `the request was made outside ${describeHours(rule.hours)}` });
  }
  if (rule.ports.length > 0) {
    const outside = input.ports.filter((p) => !rule.ports.includes(p.port)).map((p) => p.port);
    if (outside.length > 0) unmet.push({ condition: "ports", reason: `port ${[...new Set(outside)].join(", ")} is not among the rule's ports ${rule.ports.join(", ")}` });
  }
  if (rule.maxDuration !== null) {
    const max = isoDurationMinutes(rule.maxDuration);
    if (max === null || input.durationMinutes > max) unmet.push({ condition: "maxDuration", reason: `${input.durationMinutes} minutes is longer than the rule's ${rule.maxDuration}` });
  }
  return unmet.length === 0 ? { approved: true, rule: rule.name } : { approved: false, rule: rule.name, unmet };
}
