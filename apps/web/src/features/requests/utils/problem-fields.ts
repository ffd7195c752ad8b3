import { fieldPath, fieldPathParts, type CreateAccessRequestBody, type FieldProblem } from "@portcullis/contract";
import { portKey } from "../../../lib/port-label.ts";
import type { RequestFieldErrors } from "./request-form.ts";
import { validationProblems as problemsOf } from "../../../lib/field-errors.ts";

/**
 * The form field a problem names (`sources.prefixes[1]`, read with the contract's `fieldPathParts`). A port is
 * named by its position in the request that was sent, so `ports[0].port` becomes that port's switch. Undefined
 * when the form has no such field (`vmId`).
 */
export function requestFieldOf(field: string, body: Pick<CreateAccessRequestBody, "ports">): string | undefined {
  const [name, second, third] = fieldPathParts(field);
  switch (name) {
    case "ports": {
      if (second === undefined) return "ports";
      const port = typeof second === "number" ? body.ports[second] : undefined;
      // The form always sends the protocol; a port without one has no switch of its own.
      return port?.protocol ? `port:${portKey({ port: port.port, protocol: port.protocol })}` : "ports";
    }
    case "durationMinutes":
    case "justification":
    case "breakGlass":
      return name;
    case "sources":
      if (second !== "prefixes") return "sources";
      return typeof third === "number" ? fieldPath(["sources", "prefixes", third]) : "sources.prefixes";
    default:
      return undefined;
  }
}

/** Joins a field's rule after the field's name, as the blade shows it when there is no field to put it on. */
function unmatchedText(problem: FieldProblem): string {
  return `${problem.field}: ${problem.rule}`;
}

/**
 * Puts a 400's `details.problems` on the Request access form's fields. Whatever names no field, and any
 * other error (the NSG write failed, forbidden), stays in `other` for the blade's Alert.
 */
export function requestFieldErrors(error: unknown, body: Pick<CreateAccessRequestBody, "ports">): { fields: RequestFieldErrors; other: unknown } {
  const problems = problemsOf(error);
  if (!problems || problems.length === 0) return { fields: {}, other: error };
  const fields: RequestFieldErrors = {};
  const unmatched: string[] = [];
  for (const problem of problems) {
    const field = requestFieldOf(problem.field, body);
    if (field === undefined) unmatched.push(unmatchedText(problem));
    else fields[field] = fields[field] ? `${fields[field]}; ${problem.rule}` : problem.rule;
  }
  return { fields, other: unmatched.length > 0 ? unmatched.join("; ") : undefined };
}
