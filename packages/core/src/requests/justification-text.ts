import type { JustificationRule } from "@portcullis/contract";

/* Kept apart from justification-rule.ts so the portal, which only shows the rule, does not bundle the regex engine. */

/** One line for requesters before they type: "Required. At least 10 characters. Enter the incident number, like INC123456". */
export function describeJustificationRule(required: boolean, rule: JustificationRule | null): string {
  const parts = [required ? "Required" : "Optional"];
  if (rule !== null && rule.minLength > 0) parts.push(`At least ${rule.minLength} characters`);
  if (rule !== null && rule.pattern !== null && rule.hint !== null) parts.push(rule.hint);
  return parts.join(". ");
}
