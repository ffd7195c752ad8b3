import { validationProblems as problemsOf } from "../../../lib/field-errors.ts";

/** Messages per canonical field of the policy form (`ports[1].allowedSources.prefixes[0]`). */
export type FieldErrors = Record<string, string>;

const approvalFields = new Set(["requiredApprovals", "allowSelfApproval", "maxWait", "clockStartsAt"]);

/** The Approval section's field a problem under `approval` names: `approval.approvers.users.2` is the users list. */
function approvalField(parts: readonly string[]): string {
  const [, name, sub] = parts;
  if (name === undefined) return "approval";
  if (name === "approvers") return sub === "users" || sub === "groups" ? `approval.approvers.${sub}` : "approval.approvers";
  if (name === "autoApprove") return sub === "name" || sub === "groups" || sub === "hours" || sub === "ports" || sub === "maxDuration" ? `approval.autoApprove.${sub}` : "approval.autoApprove";
  return approvalFields.has(name) ? `approval.${name}` : "approval";
}

/**
 * The form field a problem names, in one spelling whatever produced it: zod paths joined with dots
 * (`ports.1.allowedSources.prefixes.0`) and the domain's bracket paths (`ports[1].allowedSources.prefixes[0]`)
 * alike. `maxRequestMinutes` (the domain's name) is the form's `maxRequestDuration`. The Approval section's
 * fields keep their contract names (`approval.requiredApprovals`, `breakGlass`). Undefined when the field is not
 * one the form shows (`vmIds`, `expectedVersions`, ...).
 */
export function canonicalField(field: string): string | undefined {
  const parts = field.replace(/\[(\d+)\]/g, ".$1").split(".").filter((part) => part !== "");
  if (parts[0] === "body") parts.shift();
  if (parts[0] === "approval") return approvalField(parts);
  if (parts[0] === "breakGlass") return "breakGlass";
  if (parts[0] === "justificationRule") {
    const name = parts[1];
    return name === "minLength" || name === "pattern" || name === "hint" ? `justificationRule.${name}` : "justificationRule.pattern";
  }
  if (parts[0] !== "ports") return undefined;
  if (parts.length === 1) return "ports";
  const index = parts[1];
  if (index === undefined || !/^\d+$/.test(index)) return undefined;
  const rule = `ports[${index}]`;
  const [name, sub, item] = parts.slice(2);
  switch (name) {
    case undefined:
      return rule;
    case "port":
    case "protocol":
      return `${rule}.${name}`;
    case "maxRequestDuration":
    case "maxRequestMinutes":
      return `${rule}.maxRequestDuration`;
    case "requireApproval":
      return `${rule}.requireApproval`;
    case "allowedSources":
      if (sub === "maxPrefixSize") return item === "ipv4" || item === "ipv6" ? `${rule}.allowedSources.maxPrefixSize.${item}` : `${rule}.allowedSources.maxPrefixSize.ipv4`;
      if (sub !== "prefixes") return `${rule}.allowedSources`;
      return item !== undefined && /^\d+$/.test(item) ? `${rule}.allowedSources.prefixes[${item}]` : `${rule}.allowedSources.prefixes`;
    default:
      return rule;
  }
}

/** Field paths in a message in the words of the form: `ports[1]` is "rule 2". */
export function humanizeRule(text: string): string {
  return text
    .replace(/ports\[(\d+)\]\.allowedSources\.prefixes\[(\d+)\]/g, (_m, rule: string, item: string) => `rule ${Number(rule) + 1}, address ${Number(item) + 1}`)
    .replace(/ports\[(\d+)\]/g, (_m, rule: string) => `rule ${Number(rule) + 1}`);
}

/**
 * Puts a 400's `details.problems` on the policy form's fields. What names no field (or any other error)
 * stays in `other` for the blade's banner; undefined when everything found a field.
 */
export function serverFieldErrors(error: unknown): { fields: FieldErrors; other: unknown } {
  const problems = problemsOf(error);
  if (!problems || problems.length === 0) return { fields: {}, other: error };
  const fields: FieldErrors = {};
  const unmatched: string[] = [];
  for (const problem of problems) {
    const field = canonicalField(problem.field);
    const rule = humanizeRule(problem.rule);
    if (field === undefined) unmatched.push(`${problem.field}: ${rule}`);
    else fields[field] = fields[field] ? `${fields[field]}; ${rule}` : rule;
  }
  return { fields, other: unmatched.length > 0 ? unmatched.join("; ") : undefined };
}
