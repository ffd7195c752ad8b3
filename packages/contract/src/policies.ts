import { z } from "zod";
import { parse as parseIsoDuration } from "tinyduration";

/** Ports a policy may protect. */
export const JitProtocolSchema = z.enum(["TCP", "UDP", "Any"]);
export type JitProtocolName = z.infer<typeof JitProtocolSchema>;

export const AllowedSourcesSchema = z.discriminatedUnion("kind", [
  /**
   * The requester chooses (My IP or ranges); shown as "Per request". `maxPrefixSize` is the widest source a
   * requester may pick, as prefix lengths (the union of the sources counts, not each one): default a /24 of IPv4
   * and a /56 of IPv6; at widest /8 and /16 (anything wider is "any", which must be chosen explicitly).
   */
  z.object({
    kind: z.literal("per-request"),
    maxPrefixSize: z.object({ ipv4: z.number().int(), ipv6: z.number().int() }).optional(),
  }),
  /** Any source, including the whole Internet: must be chosen explicitly. */
  z.object({ kind: z.literal("any") }),
  /** Only these IPs/CIDRs (or subsets of them). */
  z.object({ kind: z.literal("prefixes"), prefixes: z.array(z.string().trim().min(1).max(64)).min(1).max(100) }),
]);
export type AllowedSourcesBody = z.infer<typeof AllowedSourcesSchema>;

export const minRequestDurationMinutes = 5;
export const maxRequestDurationMinutes = 24 * 60;
export const defaultRequestDuration = "PT3H";

/** Minutes in an ISO-8601 duration of hours/minutes/seconds (`PT3H`, `PT90M`); null when not one. */
export function isoDurationMinutes(text: string): number | null {
  try {
    const d = parseIsoDuration(text);
    if (d.negative || d.years || d.months || d.weeks) return null;
    return (d.days ?? 0) * 1440 + (d.hours ?? 0) * 60 + (d.minutes ?? 0) + (d.seconds ?? 0) / 60;
  } catch {
    return null;
  }
}

export const IsoRequestDurationSchema = z.string().superRefine((text, ctx) => {
  const minutes = isoDurationMinutes(text);
  if (minutes === null) {
    ctx.addIssue({ code: "custom", message: "must be an ISO-8601 duration such as PT3H or PT30M" });
  } else if (minutes < minRequestDurationMinutes || minutes > maxRequestDurationMinutes) {
    ctx.addIssue({ code: "custom", message: "must be between 5 minutes (PT5M) and 24 hours (PT24H)" });
  }
});

export const PolicyPortSchema = z.object({
  port: z.number().int().min(0, "must be between 0 and 65535").max(65535, "must be between 0 and 65535"),
  protocol: JitProtocolSchema,
  allowedSources: AllowedSourcesSchema,
  /** ISO-8601 duration, 5 minutes to 24 hours (Defender's `maxRequestAccessDuration`). */
  maxRequestDuration: IsoRequestDurationSchema,
  /**
   * With the policy's `approval` set: whether requests for this port wait for it (absent or true) or open at once
   * (false). Without `approval` it has no effect.
   */
  requireApproval: z.boolean().optional(),
});
export type PolicyPort = z.infer<typeof PolicyPortSchema>;

export const minApprovalWaitMinutes = 5;
export const maxApprovalWaitMinutes = 7 * 24 * 60;

/** How long a request may wait for its approvals: an ISO-8601 duration from PT5M to P7D. */
export const IsoApprovalWaitSchema = z.string().superRefine((text, ctx) => {
  const minutes = isoDurationMinutes(text);
  if (minutes === null) {
    ctx.addIssue({ code: "custom", message: "must be an ISO-8601 duration such as PT4H or P1D" });
  } else if (minutes < minApprovalWaitMinutes || minutes > maxApprovalWaitMinutes) {
    ctx.addIssue({ code: "custom", message: "must be between 5 minutes (PT5M) and 7 days (P7D)" });
  }
});

/** A named approver as saved: the immutable object id (and tenant) an approval is matched on, and how to show them. */
export const NamedApproverSchema = z.object({
  oid: z.string(),
  /** The user's tenant (`tid`); null when only the object id was given and Portcullis has not seen the user. */
  tenantId: z.string().nullable(),
  name: z.string(),
  username: z.string().nullable(),
});
export type NamedApprover = z.infer<typeof NamedApproverSchema>;

/** Who may approve: holders of the Approver role at the VM's scope, named users, members of named groups (any of them). */
export const ApproverSetSchema = z
  .object({
    /** Anyone holding `jit.request.approve` at the VM's scope (the Approver role, or Admin). */
    roleHolders: z.boolean(),
    /**
     * Named users. On save, each may be an object id or a user name (`preferred_username`); names are resolved to
     * object ids then (400 for a name nobody has), and the stored policy lists object ids only. Approvals match on
     * the object id (and tenant), never on the name, which can change or repeat across tenants.
     */
    users: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
    /** Sent by the BFF: who each entry of `users` is (object id, tenant, name). Ignored on save. */
    named: z.array(NamedApproverSchema).max(50).optional(),
    /** Entra group ids, as in the token's `groups` claim. */
    groups: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  })
  .refine((set) => set.roleHolders || set.users.length > 0 || set.groups.length > 0, {
    message: "must name at least one approver: role holders, a user or a group",
  });
export type ApproverSet = z.infer<typeof ApproverSetSchema>;

/** The longest justification pattern a policy may set (the engine is linear-time; the cap keeps rules readable). */
export const maxJustificationPatternLength = 200;
export const maxJustificationHintLength = 200;
/** Justifications are at most this many characters (code points), so a minimum length is at most this too. */
export const maxJustificationTextLength = 1000;

/**
 * What a justification must look like (with `justificationRequired`, which says whether one must be given): at least
 * `minLength` characters, and, with a `pattern`, matching it somewhere (anchor it with `^` to match from the start).
 * Patterns are RE2 syntax (no backreferences or lookaround), matched in linear time; the `hint` is shown to
 * requesters before they type and is the rule a refused justification is answered with.
 */
export const JustificationRuleSchema = z
  .object({
    minLength: z
      .number({ message: "must be a whole number of characters" })
      .int("must be a whole number of characters")
      .min(0, `must be between 0 and ${maxJustificationTextLength}`)
      .max(maxJustificationTextLength, `must be between 0 and ${maxJustificationTextLength}`)
      .default(0),
    pattern: z
      .string()
      .max(maxJustificationPatternLength, `must be at most ${maxJustificationPatternLength} characters`)
      .min(1, "must not be empty (give null for no pattern)")
      .nullable()
      .default(null),
    hint: z
      .string()
      .trim()
      .max(maxJustificationHintLength, `must be at most ${maxJustificationHintLength} characters`)
      .nullable()
      .default(null),
  })
  .superRefine((rule, ctx) => {
    if (rule.pattern !== null && (rule.hint === null || rule.hint === "")) {
      ctx.addIssue({ code: "custom", path: ["hint"], message: "is required with a pattern: tell requesters what to type (it is the message a refused justification gets)" });
    }
  });
export type JustificationRule = z.infer<typeof JustificationRuleSchema>;

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day as HH:MM (00:00 to 23:59)");

/** Hours of the day an automatic approval applies in: from `from` up to (not including) `to`; `to` before `from` spans midnight. */
export const AutoApprovalHoursSchema = z.object({
  from: clockTime,
  to: clockTime,
  /** `UTC` or an IANA time zone name (`Europe/Berlin`). */
  timeZone: z.string().trim().min(1).max(64).default("UTC"),
});
export type AutoApprovalHours = z.infer<typeof AutoApprovalHoursSchema>;

/**
 * Approve automatically when every stated condition holds (at least one must be stated): the requester is in one
 * of `groups` (the token's `groups` claim), the request is made within `hours`, asks only for `ports`, and for at most
 * `maxDuration`. The decision is recorded as an automatic approval naming the rule.
 */
export const AutoApprovalRuleSchema = z
  .object({
    /** Shown in the activity log as the rule that approved. */
    name: z.string().trim().min(1, "is required: the activity log names the rule").max(80, "must be at most 80 characters"),
    /** Group ids as in the token's `groups` claim; the requester must be in at least one. Empty: any requester. */
    groups: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
    /** Only within these hours; null: at any time. */
    hours: AutoApprovalHoursSchema.nullable().default(null),
    /** Only when every requested port is one of these; empty: any of the policy's ports. */
    ports: z.array(z.number().int().min(0, "must be between 0 and 65535").max(65535, "must be between 0 and 65535")).max(50).default([]),
    /** Only for requests of at most this long (ISO-8601, PT5M to PT24H); null: any duration the policy allows. */
    maxDuration: IsoRequestDurationSchema.nullable().default(null),
  })
  .refine((rule) => rule.groups.length > 0 || rule.hours !== null || rule.ports.length > 0 || rule.maxDuration !== null, {
    message: "must state at least one condition (groups, hours, ports or maxDuration): a rule without one would approve every request",
  });
export type AutoApprovalRule = z.infer<typeof AutoApprovalRuleSchema>;

/** A policy's approval rule (absent: requests open at once). */
export const ApprovalSettingsSchema = z.object({
  /** Distinct approvals needed before the ports open (N of M; one denial ends the request). */
  requiredApprovals: z.number().int().min(1, "must be at least 1").max(10, "must be at most 10"),
  approvers: ApproverSetSchema,
  /** Whether the requester's own approval counts (never, by default). */
  allowSelfApproval: z.boolean().default(false),
  /** How long a request may wait; then it lapses. ISO-8601, PT5M to P7D. */
  maxWait: IsoApprovalWaitSchema.default("PT24H"),
  /** When the granted time starts: at the last approval (default) or at the request. */
  clockStartsAt: z.enum(["approval", "request"]).default("approval"),
  /** Approve automatically when this rule's conditions all hold (absent or null: every request waits for approvers). */
  autoApprove: AutoApprovalRuleSchema.nullable().optional(),
});
export type ApprovalSettings = z.infer<typeof ApprovalSettingsSchema>;

export const PolicyRulesSchema = z.array(PolicyPortSchema).min(1, "must have at least one port").max(50);

export const PolicySchema = z.object({
  vmId: z.string(),
  vmName: z.string(),
  resourceGroup: z.string(),
  subscriptionId: z.string(),
  ports: z.array(PolicyPortSchema),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  /** Incremented by every change; send it back as `expectedVersion` to refuse lost updates. */
  version: z.number().int(),
  /** Every access request to this VM must give a justification. Always sent by the BFF; absent means false. */
  justificationRequired: z.boolean().optional(),
  /** What a justification must look like (minimum length, pattern and hint). Always sent by the BFF; null: no rule. */
  justificationRule: JustificationRuleSchema.nullable().optional(),
  /** Approval rule; null or absent: requests open at once. */
  approval: ApprovalSettingsSchema.nullable().optional(),
  /** Break-glass: requesters may open at once in an emergency (justification required), flagged for review. */
  breakGlass: z.boolean().optional(),
  /**
   * End live sessions when access ends: the NSGs in front of the VM get `flushConnection` (established flows are
   * re-evaluated when rules change, so revoke and expiry cut open connections; it applies to the whole NSG).
   * Removing the policy restores each NSG's previous value. Always sent by the BFF; absent means false.
   */
  endLiveSessions: z.boolean().optional(),
});
export type Policy = z.infer<typeof PolicySchema>;

const VmIdsSchema = z.array(z.string().min(1).max(400)).min(1, "must name at least one VM").max(200);

/** Enable or edit (create or replace) the same rules on one or many VMs. */
export const PutPoliciesBodySchema = z.object({
  vmIds: VmIdsSchema,
  ports: PolicyRulesSchema,
  /** Optional optimistic concurrency: vmId (lower-case) -> version the caller edited. */
  expectedVersions: z.record(z.string(), z.number().int()).optional(),
  /** Whether requests must give a justification; absent keeps each VM's stored value (false for a new policy). */
  justificationRequired: z.boolean().optional(),
  /** Justification rule: an object sets it, null removes it, absent keeps each VM's stored value (none for a new policy). */
  justificationRule: JustificationRuleSchema.nullable().optional(),
  /** Approval rule: an object sets it, null removes it, absent keeps each VM's stored value (none for a new policy). */
  approval: ApprovalSettingsSchema.nullable().optional(),
  /** Break-glass allowed; absent keeps each VM's stored value (false for a new policy). */
  breakGlass: z.boolean().optional(),
  /** End live sessions when access ends (sets the NSGs' flushConnection); absent keeps each VM's stored value (false for a new policy). */
  endLiveSessions: z.boolean().optional(),
});
export type PutPoliciesBody = z.infer<typeof PutPoliciesBodySchema>;

export const RemovePoliciesBodySchema = z.object({ vmIds: VmIdsSchema });
export type RemovePoliciesBody = z.infer<typeof RemovePoliciesBodySchema>;

export const PlannedRuleSchema = z.object({
  name: z.string(),
  priority: z.number().int(),
  access: z.enum(["Allow", "Deny"]),
  protocol: z.string(),
  sources: z.array(z.string()),
  destinations: z.array(z.string()),
  ports: z.array(z.string()),
  description: z.string().optional(),
});
export type PlannedRule = z.infer<typeof PlannedRuleSchema>;

/** What one operation does to one NSG (shown before Save, and returned after). */
export const NsgChangeSummarySchema = z.object({
  nsgId: z.string(),
  nsgName: z.string(),
  added: z.array(PlannedRuleSchema),
  removed: z.array(PlannedRuleSchema),
  updated: z.array(PlannedRuleSchema),
  renumbered: z.array(z.object({ name: z.string(), from: z.number().int(), to: z.number().int() })),
});
export type NsgChangeSummary = z.infer<typeof NsgChangeSummarySchema>;

export const PolicyPlanResponseSchema = z.object({
  nsgs: z.array(NsgChangeSummarySchema),
  /** VMs whose policy would not change anything. */
  unchangedVmIds: z.array(z.string()),
});
export type PolicyPlanResponse = z.infer<typeof PolicyPlanResponseSchema>;

export const PutPoliciesResponseSchema = z.object({
  policies: z.array(PolicySchema),
  nsgs: z.array(NsgChangeSummarySchema),
});
export type PutPoliciesResponse = z.infer<typeof PutPoliciesResponseSchema>;

export const ListPoliciesResponseSchema = z.object({ items: z.array(PolicySchema) });
export type ListPoliciesResponse = z.infer<typeof ListPoliciesResponseSchema>;

/** Defender for Cloud's policy resource (Microsoft.Security/locations/jitNetworkAccessPolicies, 2020-01-01). */
export const DefenderPortSchema = z.object({
  number: z.number().int(),
  protocol: z.enum(["TCP", "UDP", "*"]),
  allowedSourceAddressPrefix: z.string().optional(),
  allowedSourceAddressPrefixes: z.array(z.string()).optional(),
  maxRequestAccessDuration: z.string(),
});
/** One port of a Defender request (history): what was opened, until when, and how it ended. */
export const DefenderRequestPortSchema = z.object({
  number: z.number().int(),
  allowedSourceAddressPrefix: z.string().optional(),
  allowedSourceAddressPrefixes: z.array(z.string()).optional(),
  /** ISO-8601 date-time, kept as written. */
  endTimeUtc: z.iso.datetime({ offset: true, message: "must be an ISO-8601 date-time" }),
  /** Defender's values are Initiated and Revoked; kept as written. */
  status: z.string(),
  /** Defender's values are Expired, UserRequested and NewerRequestInitiated; kept as written. */
  statusReason: z.string(),
  mappedPort: z.number().int().optional(),
});
export type DefenderRequestPort = z.infer<typeof DefenderRequestPortSchema>;

/** One entry of a Defender policy's `requests` (its request history). */
export const DefenderRequestSchema = z.object({
  virtualMachines: z.array(z.object({ id: z.string(), ports: z.array(DefenderRequestPortSchema) })),
  /** ISO-8601 date-time, kept as written. */
  startTimeUtc: z.iso.datetime({ offset: true, message: "must be an ISO-8601 date-time" }),
  requestor: z.string(),
  justification: z.string().optional(),
});
export type DefenderRequest = z.infer<typeof DefenderRequestSchema>;

/**
 * Portcullis's own settings of one VM in a Defender file (`properties.virtualMachines[].portcullis`): written by the
 * export, read back by the import, and not part of Defender's schema (Defender ignores it). Absent: the import keeps
 * what the VM's policy has (nothing, for a new one).
 */
export const PortcullisVmExtensionSchema = z.object({
  justificationRequired: z.boolean().optional(),
  justificationRule: JustificationRuleSchema.nullable().optional(),
});
export type PortcullisVmExtension = z.infer<typeof PortcullisVmExtensionSchema>;

export const DefenderPolicySchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  type: z.string().optional(),
  kind: z.string().optional(),
  location: z.string().optional(),
  properties: z.object({
    virtualMachines: z.array(
      z.object({
        id: z.string(),
        ports: z.array(DefenderPortSchema),
        publicIpAddress: z.string().optional(),
        portcullis: PortcullisVmExtensionSchema.optional(),
      }),
    ),
    requests: z.array(DefenderRequestSchema).optional(),
    provisioningState: z.string().optional(),
  }),
});
export type DefenderPolicy = z.infer<typeof DefenderPolicySchema>;

/** Import: one Defender policy resource, or an ARM list (`{ value: [...] }`). */
export const ImportPoliciesBodySchema = z.union([DefenderPolicySchema, z.object({ value: z.array(DefenderPolicySchema) })]);

/**
 * Import with accepted losses: `{ document, acceptLosses }`, where `document` is what the plain body would be and
 * `acceptLosses` lists exactly the fields the dry run reported in `losses` (the import is refused otherwise).
 */
export const ImportPoliciesEnvelopeSchema = z.object({
  document: z.unknown(),
  acceptLosses: z.array(z.string().min(1).max(1000)).max(10_000),
});
export type ImportPoliciesEnvelope = z.infer<typeof ImportPoliciesEnvelopeSchema>;

/** A field of the imported file Portcullis does not understand: it would not be kept (nor exported back). */
export const ImportLossSchema = z.object({
  /** Where it is in the file, spelled as `fieldPath` spells it (`properties.virtualMachines[0].ports[1].foo`); what `acceptLosses` names. */
  field: z.string(),
  /** The value it holds, as JSON (cut at 200 characters). */
  value: z.string(),
});
export type ImportLoss = z.infer<typeof ImportLossSchema>;

export const ImportPoliciesResponseSchema = z.object({
  dryRun: z.boolean(),
  /** The policies as Portcullis understands them. */
  policies: z.array(z.object({ vmId: z.string(), ports: z.array(PolicyPortSchema) })),
  nsgs: z.array(NsgChangeSummarySchema),
  /** Entries of the files' `requests` (Defender's request history), kept read-only with the policies and exported back. */
  historicalRequests: z.number().int(),
  /**
   * What the file holds that Portcullis does not understand. Non-empty: a real import is refused (400) unless
   * `acceptLosses` names exactly these fields.
   */
  losses: z.array(ImportLossSchema),
});
export type ImportPoliciesResponse = z.infer<typeof ImportPoliciesResponseSchema>;

/** A VM's network as it is now (the Properties blade). */
export const VmPropertiesResponseSchema = z.object({
  vm: z.object({ id: z.string(), name: z.string(), resourceGroup: z.string(), subscriptionId: z.string(), osType: z.string().nullable(), location: z.string() }),
  nics: z.array(z.object({ id: z.string(), name: z.string(), privateIps: z.array(z.string()), subnetId: z.string().nullable(), nsgId: z.string().nullable() })),
  nsgs: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      attachment: z.enum(["nic", "subnet"]),
      rules: z.array(PlannedRuleSchema.extend({ direction: z.string(), jit: z.boolean() })),
    }),
  ),
  policy: PolicySchema.nullable(),
});
export type VmPropertiesResponse = z.infer<typeof VmPropertiesResponseSchema>;

/** What `POST /api/policies/remove` answers: the VMs whose policy was deleted and what changed in each NSG. */
export const RemovePoliciesResponseSchema = z.object({
  removedVmIds: z.array(z.string()),
  nsgs: z.array(NsgChangeSummarySchema),
});
export type RemovePoliciesResponse = z.infer<typeof RemovePoliciesResponseSchema>;

/** `POST /api/policies/import?dryRun=true|false`: a dry run (the default) plans and writes nothing. */
export const ImportPoliciesQuerySchema = z.object({
  dryRun: z
    .enum(["true", "false"], { message: "must be true or false" })
    .optional()
    .transform((value) => value !== "false"),
});

/** `GET /api/policies/export[?vmId=]`: Defender's list shape, one `default` policy per subscription, resource group and region. */
export const ExportPoliciesResponseSchema = z.object({ value: z.array(DefenderPolicySchema) });
export type ExportPoliciesResponse = z.infer<typeof ExportPoliciesResponseSchema>;
