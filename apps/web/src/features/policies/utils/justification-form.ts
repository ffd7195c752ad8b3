import { maxJustificationHintLength, maxJustificationPatternLength, maxJustificationTextLength, type JustificationRule, type Policy } from "@portcullis/contract";
import type { FieldErrors } from "./problem-fields.ts";

/** The Justification section of the Enable / Edit blade, as typed. */
export type JustificationForm = {
  /**
   * Whether the admin touched the section: only then does Save send it, so an untouched bulk edit keeps each VM's
   * own rule.
   */
  changed: boolean;
  /** "Require a justification". */
  required: boolean;
  /** "Minimum length", as typed. */
  minLength: string;
  /** "Pattern" (RE2 syntax); empty: none. */
  pattern: string;
  /** "Hint for requesters". */
  hint: string;
};

export const defaultJustificationForm: JustificationForm = { changed: false, required: false, minLength: "0", pattern: "", hint: "" };

/** Fills the section from a stored policy (Edit). */
export function justificationFormFrom(policy: Pick<Policy, "justificationRequired" | "justificationRule">): JustificationForm {
  const rule = policy.justificationRule;
  return {
    changed: false,
    required: policy.justificationRequired === true,
    minLength: String(rule?.minLength ?? 0),
    pattern: rule?.pattern ?? "",
    hint: rule?.hint ?? "",
  };
}

function minLengthOf(form: JustificationForm): number | null {
  const text = form.minLength.trim() === "" ? "0" : form.minLength.trim();
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value <= maxJustificationTextLength ? value : null;
}

/**
 * What the server would refuse, keyed as its problems are (`justificationRule.minLength`, `.pattern`, `.hint`). The
 * pattern's syntax is the server's to judge (RE2, which the portal does not carry); its 400 lands on the field.
 */
export function validateJustificationForm(form: JustificationForm): FieldErrors {
  const errors: FieldErrors = {};
  if (minLengthOf(form) === null) errors["justificationRule.minLength"] = `must be a whole number from 0 to ${maxJustificationTextLength}`;
  const pattern = form.pattern.trim();
  if ([...pattern].length > maxJustificationPatternLength) errors["justificationRule.pattern"] = `must be at most ${maxJustificationPatternLength} characters`;
  if (pattern !== "" && form.hint.trim() === "") errors["justificationRule.hint"] = "is required with a pattern: tell requesters what to type";
  if ([...form.hint.trim()].length > maxJustificationHintLength) errors["justificationRule.hint"] = `must be at most ${maxJustificationHintLength} characters`;
  return errors;
}

/** What Save sends: nothing while the section is untouched; else whether it is required and the rule (null: none). */
export function justificationFromForm(form: JustificationForm): { justificationRequired?: boolean; justificationRule?: JustificationRule | null } {
  if (!form.changed) return {};
  const minLength = minLengthOf(form) ?? 0;
  const pattern = form.pattern.trim();
  const rule: JustificationRule | null = minLength === 0 && pattern === "" ? null : { minLength, pattern: pattern === "" ? null : pattern, hint: pattern === "" ? null : form.hint.trim() };
  return { justificationRequired: form.required, justificationRule: rule };
}
