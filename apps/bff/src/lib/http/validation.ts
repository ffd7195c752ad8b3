import { fieldPath, type FieldProblem } from "@portcullis/contract";
import type { z } from "zod";
import { InputError, problemsMessage } from "../errors.ts";

/** Absent rather than wrong: `input` is there when parsed with `reportInput`, else zod's message says so. */
function isMissing(issue: z.core.$ZodIssue): boolean {
  return ("input" in issue && issue.input === undefined) || /received undefined$/.test(issue.message);
}

/** Says what rule a value broke, in words a person can act on. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if ((issue.code === "invalid_type" || issue.code === "invalid_value") && isMissing(issue)) return "is required";
  switch (issue.code) {
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "invalid_type":
      return `must be ${issue.expected === "int" ? "an integer" : `a ${issue.expected}`}`;
    case "too_big": {
      const bound = issue.inclusive === false ? "less than" : "at most";
      return issue.origin === "string"
        ? `must be ${bound} ${String(issue.maximum)} characters`
        : `must be ${bound} ${String(issue.maximum)}`;
    }
    case "too_small": {
      const bound = issue.inclusive === false ? "more than" : "at least";
      return issue.origin === "string"
        ? `must be ${bound} ${String(issue.minimum)} characters`
        : `must be ${bound} ${String(issue.minimum)}`;
    }
    case "unrecognized_keys":
      return `has unknown field(s) ${issue.keys.join(", ")}`;
    default:
      return issue.message;
  }
}

/** Each issue as a problem naming its field in the contract's spelling; `where` names the whole input (`body`). */
export function describeZodError(error: z.ZodError, where: string): { message: string; problems: FieldProblem[] } {
  const problems = error.issues.map((issue) => ({
    field: fieldPath(issue.path, where),
    rule: describeIssue(issue),
  }));
  return { message: problemsMessage(problems), problems };
}

/** Parses request input with a contract schema; a failure becomes a 400 naming the field and the rule. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: "query" | "body" | "params"): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) {
    const { message, problems } = describeZodError(result.error, where);
    throw new InputError(message, { details: { problems } });
  }
  return result.data;
}
