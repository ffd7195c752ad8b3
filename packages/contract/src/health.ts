import { z } from "zod";

/**
 * `GET /api/readyz` (public): whether the database and Azure Resource Manager answer. Nothing else: the reasons
 * (which endpoint, which upstream error) go to the BFF's log, never to anonymous callers.
 */
export const ReadyResponseSchema = z.object({
  status: z.enum(["ready", "not-ready"]),
});
export type ReadyResponse = z.infer<typeof ReadyResponseSchema>;
