import { fieldPath, fieldPathParts, type FieldPathPart } from "@portcullis/contract";
import { validationProblems as problemsOf } from "../../../lib/field-errors.ts";

/** Messages per field of the policy form, named in the contract's spelling (`ports[1].allowedSources.prefixes[0]`). */
export type FieldErrors = Record<string, string>;

const approvalFields = new Set(["requiredApprovals", "allowSelfApproval", "maxWait", "clockStartsAt"]);

/** The Approval section's field a problem under `approval` names: `approval.approvers.users[2]` is the users list. */
function approvalField(parts: readonly FieldPathPart[]): string {
  const [, name, sub] = parts;
  if (name === undefined) return "approval";
  if (name === "approvers") return sub === "users" || sub === "groups" ? `approval.approvers.${sub}` : "approval.approvers";
  if (name === "autoApprove") return sub === "name" || sub === "groups" || sub === "hours" || sub === "ports" || sub === "maxDuration" ? `approval.autoApprove.${sub}` : "approval.autoApprove";
  return typeof name === "string" && approvalFields.has(name) ? `approval.${name}` : "approval";
}

/**
 * The form field a problem names. A rule's parts are its own fields (`ports[1].allowedSources.prefixes[0]`), with
 * `maxRequestMinutes` (the domain's name, from the form's own check) as the form's `maxRequestDuration`; what
 * lies deeper in a rule falls to the rule's nearest field the form shows. The Approval section's fields keep their
 * contract names (`approval.requiredApprovals`, `breakGlass`). Undefined when the field is not one the form shows
 * (`vmIds`, `expectedVersions`, ...).
 */
export function canonicalField(field: string): string | undefined {
  const parts = fieldPathParts(field);
  const [head, index] = parts;
  if (head === "approval") return approvalField(parts);
  if (head === "breakGlass") return "breakGlass";
  if (head === "justificationRule") {
    const name = parts[1];
    return name === "minLength" || name === "pattern" || name === "hint" ? `justificationRule.${name}` : "justificationRule.pattern";
  }
  if (head !== "ports") return undefined;
  if (index === undefined) return "ports";
  if (typeof index !== "number") return undefined;
  const rule = (...rest: FieldPathPart[]) => fieldPath(["ports", index, ...rest]);
  const [name, sub, item] = parts.slice(2);
  switch (name) {
    case undefined:
      return rule();
    case "port":
    case "protocol":
    case "requireApproval":
      return rule(name);
    case "maxRequestDuration":
    case "maxRequestMinutes":
      return rule("maxRequestDuration");
    case "allowedSources":
      if (sub === "maxPrefixSize") return rule("allowedSources", "maxPrefixSize", item === "ipv6" ? "ipv6" : "ipv4");
      if (sub !== "prefixes") return rule("allowedSources");
      return typeof item === "number" ? rule("allowedSources", "prefixes", item) : rule("allowedSources", "prefixes");
    default:
      return rule();
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
