import {
  defaultRequestDuration,
  type AllowedSourcesBody,
  type JitProtocolName,
  type Policy,
  type PolicyPort,
  type PutPoliciesBody,
  type VmSummary,
} from "@portcullis/contract";
import { defaultPrefixSizeLimits, sourceLimitsOf, validatePolicy, type JitPortRule } from "@portcullis/core";
import { approvalFormFrom, approvalFromForm, defaultApprovalForm, validateApprovalForm, type ApprovalForm } from "./approval-form.ts";
import { defaultJustificationForm, justificationFormFrom, justificationFromForm, validateJustificationForm, type JustificationForm } from "./justification-form.ts";
import { durationPresets, durationProblem, isoToMinutes, minutesToIso } from "./iso-duration.ts";
import { canonicalField, humanizeRule, type FieldErrors } from "./problem-fields.ts";

export type SourceKind = AllowedSourcesBody["kind"];

/** The select's value for "type hours and minutes yourself". */
export const customDuration = "custom";

/** One port rule as the blade edits it: text where the user types, so half-typed values survive. */
export type PortRuleForm = {
  /** Stable identity for React while rules are added and removed. */
  key: string;
  port: string;
  protocol: JitProtocolName;
  sourceKind: SourceKind;
  /** The "IP addresses / CIDR ranges" list; kept while another source kind is chosen. */
  prefixes: string[];
  /** "Per request": the widest source a requester may pick, as prefix lengths typed (`24`, `56`). */
  maxPrefixV4: string;
  maxPrefixV6: string;
  /** An ISO duration from `durationPresets`, or `customDuration`. */
  duration: string;
  customHours: string;
  customMinutes: string;
  /** "Needs approval": with the policy's approval on, whether requests for this port wait for it. */
  requireApproval: boolean;
};

export type PolicyForm = {
  rules: PortRuleForm[];
  approval: ApprovalForm;
  /** Whether requests must give a justification and what it must look like. */
  justification: JustificationForm;
  /** "Allow break-glass". */
  breakGlass: boolean;
  /** "End live sessions when access ends" (the NSGs' flushConnection). */
  endLiveSessions: boolean;
};

let keyCounter = 0;
function nextKey(): string {
  keyCounter += 1;
  return `rule-${keyCounter}`;
}

/** A proposed rule for a port: TCP, chosen per request, 3 hours. */
export function newRule(port: number | undefined): PortRuleForm {
  return {
    key: nextKey(),
    port: port === undefined ? "" : String(port),
    protocol: "TCP",
    sourceKind: "per-request",
    prefixes: [""],
    maxPrefixV4: String(defaultPrefixSizeLimits.ipv4),
    maxPrefixV6: String(defaultPrefixSizeLimits.ipv6),
    duration: defaultRequestDuration,
    customHours: "3",
    customMinutes: "0",
    requireApproval: true,
  };
}

/** Defender's proposals: one Linux VM 22, one Windows VM 3389, anything else every management port. */
export function defaultPorts(vms: ReadonlyArray<Pick<VmSummary, "osType">>): number[] {
  const only = vms.length === 1 ? vms[0] : undefined;
  if (only?.osType === "Linux") return [22];
  if (only?.osType === "Windows") return [3389];
  return [22, 3389, 5985, 5986];
}

export function defaultForm(vms: ReadonlyArray<Pick<VmSummary, "osType">>): PolicyForm {
  return { rules: defaultPorts(vms).map((port) => newRule(port)), approval: { ...defaultApprovalForm }, justification: { ...defaultJustificationForm }, breakGlass: false, endLiveSessions: false };
}

/** Fills the blade from a stored policy (Edit): its rules, its approval rule and whether break-glass is allowed. */
export function formFromPolicy(policy: Pick<Policy, "ports" | "approval" | "breakGlass" | "endLiveSessions"> & Partial<Pick<Policy, "justificationRequired" | "justificationRule">>): PolicyForm {
  return {
    ...formFromPolicyPorts(policy.ports),
    approval: approvalFormFrom(policy.approval),
    justification: justificationFormFrom(policy),
    breakGlass: policy.breakGlass === true,
    endLiveSessions: policy.endLiveSessions === true,
  };
}

/** Fills the blade's rules from stored ports, without approval or break-glass. */
export function formFromPolicyPorts(ports: readonly PolicyPort[]): PolicyForm {
  return {
    approval: { ...defaultApprovalForm },
    justification: { ...defaultJustificationForm },
    breakGlass: false,
    endLiveSessions: false,
    rules: ports.map((port) => {
      const minutes = isoToMinutes(port.maxRequestDuration) ?? 180;
      const canonical = minutesToIso(minutes);
      const preset = durationPresets.includes(canonical);
      return {
        key: nextKey(),
        port: String(port.port),
        protocol: port.protocol,
        sourceKind: port.allowedSources.kind,
        prefixes: port.allowedSources.kind === "prefixes" ? [...port.allowedSources.prefixes] : [""],
        maxPrefixV4: String(sourceLimitsOf(port).ipv4),
        maxPrefixV6: String(sourceLimitsOf(port).ipv6),
        duration: preset ? canonical : customDuration,
        customHours: String(Math.floor(minutes / 60)),
        customMinutes: String(minutes % 60),
        requireApproval: port.requireApproval !== false,
      };
    }),
  };
}

const wholeNumber = /^\d+$/;

function parsePort(text: string): number | null {
  const trimmed = text.trim();
  return wholeNumber.test(trimmed) ? Number(trimmed) : null;
}

/** Minutes of the rule's "Max request time", or the reason it has none. */
export function ruleMinutes(rule: PortRuleForm): { minutes: number } | { problem: string } {
  if (rule.duration !== customDuration) {
    const minutes = isoToMinutes(rule.duration);
    return minutes === null ? { problem: "choose a maximum request time" } : { minutes };
  }
  const hours = rule.customHours.trim() === "" ? 0 : Number(rule.customHours.trim());
  const mins = rule.customMinutes.trim() === "" ? 0 : Number(rule.customMinutes.trim());
  const valid = (n: number) => Number.isInteger(n) && n >= 0;
  if (!valid(hours) || !valid(mins)) return { problem: "hours and minutes must be whole numbers" };
  const minutes = hours * 60 + mins;
  const problem = durationProblem(minutes);
  return problem ? { problem } : { minutes };
}

/** A typed prefix length; NaN (refused by the domain check on its field) when it is not a whole number. */
function prefixLength(text: string): number {
  const trimmed = text.trim().replace(/^\//, "");
  return wholeNumber.test(trimmed) ? Number(trimmed) : Number.NaN;
}

function allowedSources(rule: PortRuleForm): AllowedSourcesBody {
  if (rule.sourceKind === "prefixes") return { kind: "prefixes", prefixes: rule.prefixes.map((prefix) => prefix.trim()) };
  if (rule.sourceKind === "per-request") {
    const limits = { ipv4: prefixLength(rule.maxPrefixV4), ipv6: prefixLength(rule.maxPrefixV6) };
    // The defaults are not written, so a policy saved without touching them keeps following them.
    const isDefault = limits.ipv4 === defaultPrefixSizeLimits.ipv4 && limits.ipv6 === defaultPrefixSizeLimits.ipv6;
    return isDefault ? { kind: "per-request" } : { kind: "per-request", maxPrefixSize: limits };
  }
  return { kind: rule.sourceKind };
}

/**
 * The rules the server would refuse, keyed by canonical field (`ports[1].allowedSources.prefixes[0]`,
 * `approval.requiredApprovals`). The domain checks are the server's own (`validatePolicy` from @portcullis/core),
 * so both agree.
 */
export function validatePolicyForm(form: PolicyForm): FieldErrors {
  const errors: FieldErrors = { ...validateApprovalForm(form.approval), ...validateJustificationForm(form.justification) };
  if (form.rules.length === 0) errors.ports = "add at least one port";
  const domainRules: JitPortRule[] = form.rules.map((rule, index) => {
    const port = parsePort(rule.port);
    if (port === null) errors[`ports[${index}].port`] = rule.port.trim() === "" ? "enter a port" : "must be a whole number from 0 to 65535";
    const duration = ruleMinutes(rule);
    if ("problem" in duration) errors[`ports[${index}].maxRequestDuration`] = duration.problem;
    // Unparsable values take a stand-in that passes, so each field reports only its own problem.
    return {
      port: port ?? -1,
      protocol: rule.protocol,
      allowedSources: allowedSources(rule),
      maxRequestMinutes: "minutes" in duration ? duration.minutes : 180,
    };
  });
  if (form.rules.length > 0) {
    for (const issue of validatePolicy({ ports: domainRules })) {
      const field = canonicalField(issue.field);
      // A field already reported above (a port that is not a number) keeps that message.
      if (field === undefined || errors[field] !== undefined) continue;
      errors[field] = humanizeRule(issue.rule);
    }
  }
  return errors;
}

/**
 * The contract's rules for a valid form; null while any field has an error. With approval on, each port says
 * whether it needs it; without, only a port that opts out says so.
 */
export function policyPortsFromForm(form: PolicyForm): PolicyPort[] | null {
  if (Object.keys(validatePolicyForm(form)).length > 0) return null;
  return form.rules.map((rule) => {
    const duration = ruleMinutes(rule);
    return {
      port: Number(rule.port.trim()),
      protocol: rule.protocol,
      allowedSources: allowedSources(rule),
      maxRequestDuration: minutesToIso("minutes" in duration ? duration.minutes : 180),
      // A port that opts out keeps saying so while approval is off, so switching it on again keeps the choice.
      ...(form.approval.required || !rule.requireApproval ? { requireApproval: rule.requireApproval } : {}),
    };
  });
}

/**
 * The PUT for a valid form: the rules, the approval rule (`null` when "Require approval" is off, which removes a
 * stored one) and break-glass, applied alike to every VM. Null while any field has an error.
 */
export function putBodyFromForm(vmIds: readonly string[], form: PolicyForm): PutPoliciesBody | null {
  const ports = policyPortsFromForm(form);
  if (!ports) return null;
  return { vmIds: [...vmIds], ports, approval: approvalFromForm(form.approval), breakGlass: form.breakGlass, endLiveSessions: form.endLiveSessions, ...justificationFromForm(form.justification) };
}
