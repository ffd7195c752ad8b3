import { z } from "zod";

/** The one error body every /api route returns on failure. */
export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
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
