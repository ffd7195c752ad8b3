import { z } from "zod";
import { VmActivitySummarySchema } from "./activity.ts";
import { PermissionSchema } from "./auth.ts";

/** The three tabs of the JIT page. `none` is shown as "No recommendation". */
export const InventoryTabSchema = z.enum(["configured", "recommended", "none"]);
export type InventoryTab = z.infer<typeof InventoryTabSchema>;
export const inventoryTabs = InventoryTabSchema.options;

/** Management ports Defender (and we) grade exposure on. */
export const managementPorts = [22, 3389, 5985, 5986] as const;

export const NsgAttachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  resourceGroup: z.string(),
  /** Where the NSG is attached: the VM's NIC or the NIC's subnet. */
  attachment: z.enum(["nic", "subnet"]),
  /** Name of the NIC or subnet it is attached to. */
  attachedTo: z.string(),
});
export type NsgAttachment = z.infer<typeof NsgAttachmentSchema>;

/** One management port reachable from the Internet today, and the rule that admits it. */
export const ExposureSchema = z.object({
  port: z.number().int(),
  protocol: z.enum(["TCP", "UDP", "Any"]),
  nsgName: z.string(),
  ruleName: z.string(),
  priority: z.number().int(),
  source: z.string(),
});
export type Exposure = z.infer<typeof ExposureSchema>;

export const VmSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  resourceGroup: z.string(),
  subscriptionId: z.string(),
  subscriptionName: z.string(),
  location: z.string(),
  osType: z.enum(["Linux", "Windows"]).nullable(),
  vmSize: z.string().nullable(),
  /** True for a virtual machine scale set instance. */
  scaleSetInstance: z.boolean(),
  privateIps: z.array(z.string()),
  nsgs: z.array(NsgAttachmentSchema),
  tab: InventoryTabSchema,
  /** Human-readable reason for the tab (why it is at risk, or why JIT cannot protect it). */
  reason: z.string(),
  exposure: z.array(ExposureSchema),
});
export type VmSummary = z.infer<typeof VmSummarySchema>;

export const VmDriftSchema = z.object({
  /** When the reconciler found it (ISO 8601 UTC). */
  detectedAt: z.string(),
  findings: z.array(z.string()),
});
export type VmDrift = z.infer<typeof VmDriftSchema>;

/** A VM as the API returns it to one caller: the summary plus what that caller may do on it. */
export const VmRowSchema = VmSummarySchema.extend({
  callerPermissions: z.array(PermissionSchema),
  /** What the reconciler last found wrong in the VM's NSGs (missing Deny rules, rules re-opening a protected port); null when none. */
  drift: VmDriftSchema.nullable().optional(),
  /** Configured tab: approved requests and last access, from the activity log; null without jit.activity.read on the VM. */
  activity: VmActivitySummarySchema.nullable().optional(),
});
export type VmRow = z.infer<typeof VmRowSchema>;

export const inventorySortFields = ["name", "resourceGroup", "subscription"] as const;
export const maxPageSize = 500;

export const ListVmsQuerySchema = z.object({
  tab: InventoryTabSchema,
  /** Case-insensitive substring of the VM name. */
  q: z.string().trim().max(200).optional(),
  subscription: z.string().max(200).optional(),
  resourceGroup: z.string().max(200).optional(),
  sort: z.enum(inventorySortFields).default("name"),
  order: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(maxPageSize).default(50),
});
export type ListVmsQuery = z.infer<typeof ListVmsQuerySchema>;

export const TabCountsSchema = z.object({
  configured: z.number().int(),
  recommended: z.number().int(),
  none: z.number().int(),
});
export type TabCounts = z.infer<typeof TabCountsSchema>;

export const ListVmsResponseSchema = z.object({
  items: z.array(VmRowSchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** Rows matching tab + filters (before paging). */
  total: z.number().int(),
  /** Rows per tab, before filters. */
  counts: TabCountsSchema,
  /** Values for the filter drop-downs (whole estate). */
  facets: z.object({
    subscriptions: z.array(z.object({ id: z.string(), name: z.string() })),
    resourceGroups: z.array(z.string()),
  }),
  /** When the inventory snapshot was read from ARM (ISO 8601 UTC). */
  refreshedAt: z.string(),
});
export type ListVmsResponse = z.infer<typeof ListVmsResponseSchema>;

export const RefreshResponseSchema = z.object({
  refreshedAt: z.string(),
  counts: TabCountsSchema,
});
export type RefreshResponse = z.infer<typeof RefreshResponseSchema>;
