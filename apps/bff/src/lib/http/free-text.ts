import type { FieldProblem } from "@portcullis/contract";
import { freeTextProblems } from "@portcullis/core";
import { problemsError } from "../errors.ts";

/**
 * Free text that reaches the activity log or notifications (comments, names) follows core's free-text rules, as a
 * justification does: no control, bidirectional-control or zero-width characters. 400 naming each field and rule.
 */
export function checkFreeText(fields: Readonly<Record<string, string | null | undefined>>): void {
  const problems: FieldProblem[] = Object.entries(fields).flatMap(([field, text]) => (typeof text === "string" ? freeTextProblems(text).map((rule) => ({ field, rule })) : []));
  if (problems.length > 0) throw problemsError(problems);
}
