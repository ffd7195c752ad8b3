import { ErrorDetailsSchema, type FieldProblem } from "@portcullis/contract";
import { ApiError } from "./api-error.ts";

export type FieldErrors<Field extends string> = {
  /** The server's rule per form field ("must be ..."). */
  fields: Partial<Record<Field, string>>;
  /** What is left to show above the form: problems with no matching field, or a non-validation error. */
  other: unknown;
};

/** The problems of a 400 validation error from the BFF (`details.problems`, as the contract types them); undefined for any other error. */
export function validationProblems(error: unknown): FieldProblem[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  const details = ErrorDetailsSchema.safeParse(error.details);
  return details.success ? details.data.problems : undefined;
}

/**
 * Splits the BFF's 400 (`details.problems: [{ field, rule }]`) onto the form's fields, so each message
 * appears under the field it is about. Anything else stays whole, for the form's error banner.
 */
export function fieldErrorsOf<Field extends string>(error: unknown, formFields: readonly Field[]): FieldErrors<Field> {
  const problems = validationProblems(error);
  if (!problems || problems.length === 0) return { fields: {}, other: error };
  const fields: Partial<Record<Field, string>> = {};
  const unmatched: string[] = [];
  for (const problem of problems) {
    const field = formFields.find((candidate) => candidate === problem.field);
    if (field === undefined) unmatched.push(`${problem.field}: ${problem.rule}`);
    else fields[field] = fields[field] ? `${fields[field]}; ${problem.rule}` : problem.rule;
  }
  return { fields, other: unmatched.length > 0 ? unmatched.join("; ") : undefined };
}
