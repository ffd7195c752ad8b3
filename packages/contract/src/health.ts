import { z } from "zod";

export const ReadyCheckSchema = z.object({ ok: z.boolean(), message: z.string().optional() });
export const ReadyResponseSchema = z.object({
  status: z.enum(["ready", "not-ready"]),
  checks: z.object({ database: ReadyCheckSchema, arm: ReadyCheckSchema }),
});
export type ReadyResponse = z.infer<typeof ReadyResponseSchema>;
