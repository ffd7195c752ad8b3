import { z } from "zod";

/** One broken rule of a request: the field, spelled as `fieldPath` spells it, and the rule in words. */
export const FieldProblemSchema = z.object({
  field: z.string().describe("The field, names joined with dots and indices in brackets (`ports[1].allowedSources.prefixes[0]`); `body`, `query` or `params` when the whole input is at fault."),
  rule: z.string().describe("The rule it broke, in words (`must be at most 64 characters`)."),
});
export type FieldProblem = z.infer<typeof FieldProblemSchema>;

/**
 * What an error says beyond its message. A 400 names each broken rule in `problems`; other errors carry their own
 * facts (the permission a 403 lacked, the NSG a 409 met), so other keys stay allowed.
 */
export const ErrorDetailsSchema = z.looseObject({
  problems: z.array(FieldProblemSchema).optional(),
});
export type ErrorDetails = z.infer<typeof ErrorDetailsSchema>;

/** The one error body every /api route returns on failure. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: ErrorDetailsSchema.optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** Stable machine-readable error codes used in ErrorBody.error.code. */
export const ErrorCode = {
  badRequest: "BadRequest",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  notFound: "NotFound",
  conflict: "Conflict",
  upstreamUnavailable: "UpstreamUnavailable",
  internal: "InternalError",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
