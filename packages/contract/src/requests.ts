import { z } from "zod";
import { JitProtocolSchema } from "./policies.ts";

export const RequestSourcesSchema = z.discriminatedUnion("kind", [
  /** The caller's own address as the BFF sees it (through trusted proxies). */
  z.object({ kind: z.literal("my-ip") }),
  /** IPs or CIDRs that must fit the policy's allowed sources. */
  z.object({ kind: z.literal("ranges"), prefixes: z.array(z.string().trim().min(1).max(64)).min(1).max(20) }),
]);
export type RequestSources = z.infer<typeof RequestSourcesSchema>;

export const CreateAccessRequestBodySchema = z.object({
  vmId: z.string().min(1).max(400),
  ports: z
    .array(z.object({ port: z.number().int().min(0).max(65535), protocol: JitProtocolSchema.optional() }))
    .min(1, "must name at least one port")
    .max(50),
  sources: RequestSourcesSchema,
  durationMinutes: z.number().int(),
  justification: z.string().max(1000).optional(),
});
export type CreateAccessRequestBody = z.infer<typeof CreateAccessRequestBodySchema>;

export const GrantStatusSchema = z.enum(["opening", "open", "closing", "closed", "failed"]);
export type GrantStatusName = z.infer<typeof GrantStatusSchema>;

/** Defender's status reasons, plus ours. */
export const GrantStatusReasonSchema = z.enum(["Expired", "UserRequested", "Revoked", "NewerRequestInitiated", "OpenFailed"]);

export const GrantSchema = z.object({
  id: z.string(),
  vmId: z.string(),
  vmName: z.string(),
  resourceGroup: z.string(),
  subscriptionId: z.string(),
  requester: z.object({ oid: z.string(), name: z.string() }),
  ports: z.array(z.object({ port: z.number().int(), protocol: JitProtocolSchema })),
  sourcePrefixes: z.array(z.string()),
  justification: z.string().nullable(),
  status: GrantStatusSchema,
  statusReason: GrantStatusReasonSchema.nullable(),
  createdAt: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  closedAt: z.string().nullable(),
  /** Why opening or closing failed (ARM code and message), for the requester. */
  error: z.string().nullable(),
  /** How to connect: the VM's private addresses and, per port, a ready command or file. */
  connect: z.object({
    addresses: z.array(z.string()),
    sshCommand: z.string().nullable(),
    rdpFile: z.string().nullable(),
  }),
});
export type Grant = z.infer<typeof GrantSchema>;

export const ListGrantsQuerySchema = z.object({
  /** `mine` (default) or `all` (Admins; others see their own only). */
  scope: z.enum(["mine", "all"]).default("mine"),
  status: z.enum(["active", "recent", "all"]).default("all"),
  vmId: z.string().max(400).optional(),
});
export const ListGrantsResponseSchema = z.object({ items: z.array(GrantSchema) });
export type ListGrantsResponse = z.infer<typeof ListGrantsResponseSchema>;

export const ExtendGrantBodySchema = z.object({
  /** Minutes to add to the current end; the new end may be at most the policy's max after the grant's start. */
  addMinutes: z.number().int().min(1).max(24 * 60),
});
export type ExtendGrantBody = z.infer<typeof ExtendGrantBodySchema>;

export const MyIpResponseSchema = z.object({ ip: z.string().nullable() });
export type MyIpResponse = z.infer<typeof MyIpResponseSchema>;
