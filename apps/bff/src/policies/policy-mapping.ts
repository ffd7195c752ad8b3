import { fieldPath, fieldPathParts, isoDurationMinutes } from "@portcullis/contract";
import type { ApprovalSettings, DefenderRequestPort, FieldProblem, JustificationRule, NsgChangeSummary, PlannedRule, Policy, PolicyPort } from "@portcullis/contract";
import { jitRulePrefix, parseJitRuleName, vmHash } from "@portcullis/core";
import type { JitPolicy, NsgChange, NsgRule, PolicyIssue } from "@portcullis/core";

/** The API's port rule (ISO-8601 maximum) as the planner's (whole minutes). */
export function toJitPolicy(ports: readonly PolicyPort[]): JitPolicy {
  return {
    ports: ports.map((port) => ({
      port: port.port,
      protocol: port.protocol,
      allowedSources: port.allowedSources,
      // A duration that is not whole minutes (PT90S) stays fractional, and validatePolicy refuses it.
      maxRequestMinutes: isoDurationMinutes(port.maxRequestDuration) ?? Number.NaN,
    })),
  };
}

/** Core's field of a policy issue named as the API's body names it: `ports[1].maxRequestMinutes` is `ports[1].maxRequestDuration`. */
function apiField(field: string): string {
  return fieldPath(fieldPathParts(field).map((part) => (part === "maxRequestMinutes" ? "maxRequestDuration" : part)));
}

export function policyIssueProblems(issues: readonly PolicyIssue[]): FieldProblem[] {
  return issues.map((issue) => ({ field: apiField(issue.field), rule: issue.rule.replace(/whole number of minutes from 5 \(5 minutes\) to 1440 \(24 hours\)/, "duration from PT5M to PT24H, in whole minutes") }));
}

export function toPlannedRule(rule: NsgRule): PlannedRule {
  return {
    name: rule.name,
    priority: rule.priority,
    access: rule.access,
    protocol: rule.protocol,
    sources: [...rule.sourceAddressPrefixes],
    destinations: [...rule.destinationAddressPrefixes],
    ports: [...rule.destinationPortRanges],
    ...(rule.description === undefined ? {} : { description: rule.description }),
  };
}

export function isJitRule(name: string): boolean {
  return name.toLowerCase().startsWith(jitRulePrefix);
}

export function toChangeSummary(change: NsgChange): NsgChangeSummary {
  return {
    nsgId: change.nsgId,
    nsgName: change.nsgName,
    added: change.diff.added.map(toPlannedRule),
    removed: change.diff.removed.map(toPlannedRule),
    updated: change.diff.updated.map((update) => toPlannedRule(update.after)),
    renumbered: change.diff.renumbered.map((r) => ({ ...r })),
  };
}

/** Hashes of the VMs whose own rules a change adds, removes or rewrites. */
export function vmHashesTouched(changes: readonly NsgChange[]): Set<string> {
  const touched = new Set<string>();
  const note = (rule: NsgRule) => {
    const parsed = parseJitRuleName(rule.name);
    if (parsed !== null) touched.add(parsed.vmHash);
  };
  for (const change of changes) {
    change.diff.added.forEach(note);
    change.diff.removed.forEach(note);
    change.diff.updated.forEach((update) => note(update.after));
  }
  return touched;
}

export function touchesVm(touched: ReadonlySet<string>, vmId: string): boolean {
  return touched.has(vmHash(vmId));
}

function portKey(port: PolicyPort): string {
  const allowed = port.allowedSources;
  const sources =
    allowed.kind === "prefixes"
      ? `prefixes:${allowed.prefixes.join(",")}`
      : allowed.kind === "per-request" && allowed.maxPrefixSize !== undefined
        ? `per-request:${allowed.maxPrefixSize.ipv4},${allowed.maxPrefixSize.ipv6}`
        : allowed.kind;
  return [port.port, port.protocol, sources, isoDurationMinutes(port.maxRequestDuration)].join("|");
}

/** Port rules compare by content (stored jsonb does not keep key order; PT60M equals PT1H); their order counts. */
export function samePorts(a: readonly PolicyPort[], b: readonly PolicyPort[]): boolean {
  return a.length === b.length && a.every((port, i) => portKey(port) === portKey(b[i] as PolicyPort));
}

/**
 * One VM's part of a request imported from Defender's `requests` (history, read-only): the fields as written, and
 * which request and position it came from so the export puts the request back together.
 */
export interface HistoricalRequestPart {
  /** Same for every part of one imported request. */
  request: string;
  /** The VM's position in the request's `virtualMachines`. */
  vmIndex: number;
  startTimeUtc: string;
  requestor: string;
  justification?: string;
  ports: DefenderRequestPort[];
}

/** A stored policy, as the repository returns it. */
export interface PolicyRecord {
  /** Lower-cased ARM id (the key). */
  vmId: string;
  subscriptionId: string;
  resourceGroup: string;
  vmName: string;
  location: string;
  ports: PolicyPort[];
  /** NSGs that held the VM's rules when it was last saved. */
  nsgIds: string[];
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  version: number;
  /** Requests to the VM must give a justification. */
  justificationRequired: boolean;
  /** What a given justification must look like (minimum length, pattern, hint); null: no rule. */
  justificationRule: JustificationRule | null;
  /** The approval rule; null: requests open at once. */
  approval: ApprovalSettings | null;
  /** Requesters may open at once in an emergency (flagged for review). */
  breakGlass: boolean;
  /** The NSGs in front of the VM have flushConnection set while the policy stands. */
  endLiveSessions: boolean;
  /** What each NSG's flushConnection was before this policy set it (lower-cased NSG id). */
  flushPrevious: Record<string, boolean>;
  /** Request history imported from Defender (empty unless imported); exported back, never acted on. */
  requestHistory: HistoricalRequestPart[];
}

/** The VM's id in ARM's spelling, rebuilt from the parts stored with the policy. */
export function displayVmId(record: Pick<PolicyRecord, "subscriptionId" | "resourceGroup" | "vmName">): string {
  return `/subscriptions/${record.subscriptionId}/resourceGroups/${record.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${record.vmName}`;
}

export function toPolicy(record: PolicyRecord): Policy {
  return {
    vmId: displayVmId(record),
    vmName: record.vmName,
    resourceGroup: record.resourceGroup,
    subscriptionId: record.subscriptionId,
    ports: record.ports,
    createdAt: record.createdAt.toISOString(),
    createdBy: record.createdBy,
    updatedAt: record.updatedAt.toISOString(),
    updatedBy: record.updatedBy,
    version: record.version,
    justificationRequired: record.justificationRequired,
    justificationRule: record.justificationRule,
    approval: record.approval,
    breakGlass: record.breakGlass,
    endLiveSessions: record.endLiveSessions,
  };
}
