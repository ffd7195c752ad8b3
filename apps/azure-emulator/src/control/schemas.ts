import { z } from "zod";

/** Bounds keep a typo from hanging or exhausting the emulator. */
const MAX_LATENCY_MS = 10 * 60 * 1000;

export const seedSpecSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("demo") }),
  z.strictObject({ kind: z.literal("empty") }),
  z.strictObject({
    kind: z.literal("large"),
    vms: z.int().min(0).max(200_000),
    nsgs: z.int().min(0).max(50_000),
    subscriptions: z.int().min(1).max(150).optional(),
    seed: z.int().optional(),
  }),
]);

export const configSchema = z.strictObject({
  writeLatencyMs: z.int().min(0).max(MAX_LATENCY_MS),
  readLatencyMs: z.int().min(0).max(MAX_LATENCY_MS),
  writeRatePerSecond: z.number().positive().max(100_000).nullable(),
  pageSize: z.int().min(1).max(1000),
});

export const configPatchSchema = configSchema.partial();

export const faultSpecSchema = z.strictObject({
  match: z.strictObject({ method: z.string().min(1).max(10).optional(), pathContains: z.string().min(1).max(2000).optional() }),
  times: z.int().min(1).max(1_000_000),
  fault: z.discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("status"),
      status: z.int().min(400).max(599),
      code: z.string().min(1).max(200),
      message: z.string().max(2000).optional(),
      retryAfterSeconds: z.int().min(0).max(3600).optional(),
    }),
    z.strictObject({ kind: z.literal("stall"), ms: z.int().min(0).max(MAX_LATENCY_MS) }),
    z.strictObject({ kind: z.literal("lro-fail"), code: z.string().min(1).max(200), message: z.string().max(2000).optional() }),
    z.strictObject({ kind: z.literal("lro-latency"), ms: z.int().min(0).max(MAX_LATENCY_MS) }),
  ]),
});
