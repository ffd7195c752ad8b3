import { randomUUID } from "node:crypto";
import { DefenderPolicySchema, fieldPath, fieldPathParts, IsoRequestDurationSchema } from "@portcullis/contract";
import type { AllowedSourcesBody, DefenderPolicy, DefenderRequest, FieldPathPart, FieldProblem, ImportLoss, JitProtocolName, JustificationRule, PolicyPort, PortcullisVmExtension } from "@portcullis/contract";
import { justificationRuleIssues, validatePolicy } from "@portcullis/core";
import { z } from "zod";
import { problemsError } from "../lib/errors.ts";
import { parseInput } from "../lib/http/validation.ts";
import { displayVmId, toJitPolicy, type HistoricalRequestPart, type PolicyRecord } from "./policy-mapping.ts";
import { isVmId, vmIdRule } from "../lib/http/vm-ids.ts";

/**
 * Defender for Cloud's JIT policy resource (Microsoft.Security/locations/jitNetworkAccessPolicies,
 * api-version 2020-01-01), in and out. Mapping decisions:
 * - protocol `*` is Any;
 * - a source of `*` is what Defender writes for "Per request", so it imports as `per-request` (the requester
 *   picks, we default to their IP), never as `any`; Any exports as `*` too, so a round trip narrows Any to
 *   Per request rather than widening anything;
 * - `0.0.0.0/0`, `::/0` and other whole-Internet prefixes are refused like any prefix list that means "everyone";
 * - `requests` (the request history) is kept as written, one part per VM of each request, read-only; the export
 *   writes it back into the policy that holds those VMs;
 * - Portcullis's own settings of a VM (the justification rule) travel in `virtualMachines[].portcullis`, an
 *   extension field Defender ignores: exported when they differ from the defaults, validated and kept on import;
 * - a field Portcullis does not understand is a loss: listed by the dry run, and a real import is refused unless
 *   the admin accepts exactly those losses.
 */
export const defenderPolicyType = "Microsoft.Security/locations/jitNetworkAccessPolicies";
export const maxImportedVms = 200;

export interface ImportTarget {
  vmId: string;
  ports: PolicyPort[];
  /** Where the VM sits in the file (`value[0].properties.virtualMachines[1]`), for messages. */
  path: string;
  /** The VM's parts of the policy's `requests`, in file order (empty when it has none). */
  history: HistoricalRequestPart[];
  /** From the `portcullis` extension; absent keeps the stored value. */
  justificationRequired?: boolean;
  /** From the `portcullis` extension; absent keeps the stored value. */
  justificationRule?: JustificationRule | null;
}

/** What a Defender file imports as: one target per VM, the request entries kept, and what would be lost. */
export interface DefenderImport {
  targets: ImportTarget[];
  historicalRequests: number;
  losses: ImportLoss[];
}

const ListSchema = z.object({ value: z.array(DefenderPolicySchema) });
type DefenderPort = DefenderPolicy["properties"]["virtualMachines"][number]["ports"][number];

const protocols: Record<DefenderPort["protocol"], JitProtocolName> = { TCP: "TCP", UDP: "UDP", "*": "Any" };

/** Where something sits in the file, as parts; spelled with the contract's `fieldPath` when a problem or loss names it. */
type FilePath = readonly FieldPathPart[];

function sourcesOf(port: DefenderPort, path: FilePath, problems: FieldProblem[]): { sources: AllowedSourcesBody; prefixPath: FilePath } | null {
  const list = port.allowedSourceAddressPrefixes;
  const listPath = [...path, "allowedSourceAddressPrefixes"];
  const singlePath = [...path, "allowedSourceAddressPrefix"];
  // Defender's schema makes the two forms mutually exclusive: keeping one would silently drop the other.
  if (list !== undefined && port.allowedSourceAddressPrefix !== undefined) {
    problems.push({ field: fieldPath(listPath), rule: "give allowedSourceAddressPrefix or allowedSourceAddressPrefixes, not both (they are mutually exclusive)" });
    return null;
  }
  if (list !== undefined && list.length > 0) {
    const trimmed = list.map((p) => p.trim());
    if (trimmed.every((p) => p === "*")) return { sources: { kind: "per-request" }, prefixPath: listPath };
    const star = trimmed.indexOf("*");
    if (star !== -1) {
      problems.push({ field: fieldPath([...listPath, star]), rule: '"*" (Per request) cannot be mixed with addresses' });
      return null;
    }
    return { sources: { kind: "prefixes", prefixes: trimmed }, prefixPath: listPath };
  }
  const single = port.allowedSourceAddressPrefix?.trim();
  if (single === undefined || single === "") {
    problems.push({ field: fieldPath(singlePath), rule: "allowedSourceAddressPrefix or allowedSourceAddressPrefixes is required" });
    return null;
  }
  if (single === "*") return { sources: { kind: "per-request" }, prefixPath: singlePath };
  return { sources: { kind: "prefixes", prefixes: [single] }, prefixPath: singlePath };
}

/** Core's `ports[i].<field>` issue, named as the file names it. */
function defenderField(issueField: string, vmPath: FilePath, prefixPaths: readonly FilePath[]): string {
  const [head, index, name, ...rest] = fieldPathParts(issueField);
  if (head !== "ports" || typeof index !== "number") return fieldPath([...vmPath, "ports"]);
  const portPath = [...vmPath, "ports", index];
  if (name === undefined) return fieldPath(portPath);
  if (name === "port") return fieldPath([...portPath, "number"]);
  if (name === "maxRequestMinutes") return fieldPath([...portPath, "maxRequestAccessDuration"]);
  if (name === "allowedSources") {
    const base = prefixPaths[index] ?? [...portPath, "allowedSourceAddressPrefixes"];
    const [list, item] = rest;
    // Only the list form has items to point at; the single form is one address.
    return fieldPath(list === "prefixes" && typeof item === "number" && base.at(-1) === "allowedSourceAddressPrefixes" ? [...base, item] : base);
  }
  return fieldPath([...portPath, name, ...rest]);
}

/** The `portcullis` extension's settings, the rule checked like a save (400 naming `<vm>.portcullis.justificationRule.<field>`). */
function extensionOf(extension: PortcullisVmExtension | undefined, vmPath: FilePath, problems: FieldProblem[]): Pick<ImportTarget, "justificationRequired" | "justificationRule"> {
  if (extension === undefined) return {};
  const rule = extension.justificationRule;
  if (rule !== undefined && rule !== null) {
    for (const issue of justificationRuleIssues(rule)) problems.push({ field: fieldPath([...vmPath, "portcullis", "justificationRule", issue.field]), rule: issue.rule });
  }
  return {
    ...(extension.justificationRequired === undefined ? {} : { justificationRequired: extension.justificationRequired }),
    ...(rule === undefined ? {} : { justificationRule: rule }),
  };
}

function importVm(vm: DefenderPolicy["properties"]["virtualMachines"][number], vmPath: FilePath, problems: FieldProblem[]): Omit<ImportTarget, "history"> | null {
  const before = problems.length;
  if (!isVmId(vm.id.trim())) problems.push({ field: fieldPath([...vmPath, "id"]), rule: vmIdRule });
  if (vm.ports.length === 0) problems.push({ field: fieldPath([...vmPath, "ports"]), rule: "must have at least one port" });
  // Refused rather than dropped: importing without it would open the VM's NSG instead of the firewall's DNAT.
  if (vm.publicIpAddress !== undefined) problems.push({ field: fieldPath([...vmPath, "publicIpAddress"]), rule: "Azure Firewall mode is not supported: Portcullis opens NSG rules only" });
  const ports: PolicyPort[] = [];
  const prefixPaths: FilePath[] = [];
  vm.ports.forEach((port, index) => {
    const path = [...vmPath, "ports", index];
    const duration = IsoRequestDurationSchema.safeParse(port.maxRequestAccessDuration);
    if (!duration.success) problems.push({ field: fieldPath([...path, "maxRequestAccessDuration"]), rule: duration.error.issues[0]?.message ?? "is invalid" });
    const sources = sourcesOf(port, path, problems);
    prefixPaths.push(sources?.prefixPath ?? [...path, "allowedSourceAddressPrefixes"]);
    ports.push({ port: port.number, protocol: protocols[port.protocol], allowedSources: sources?.sources ?? { kind: "per-request" }, maxRequestDuration: port.maxRequestAccessDuration });
  });
  const extension = extensionOf(vm.portcullis, vmPath, problems);
  if (problems.length > before) return null;
  for (const issue of validatePolicy(toJitPolicy(ports))) {
    problems.push({ field: defenderField(issue.field, vmPath, prefixPaths), rule: issue.rule });
  }
  return problems.length > before ? null : { vmId: vm.id.trim(), ports, path: fieldPath(vmPath), ...extension };
}

/** The fields Portcullis reads at each level of the file; anything else is a loss. */
const known = {
  list: ["value"],
  policy: ["id", "name", "type", "kind", "location", "properties"],
  properties: ["virtualMachines", "requests", "provisioningState"],
  vm: ["id", "ports", "publicIpAddress", "portcullis"],
  extension: ["justificationRequired", "justificationRule"],
  justificationRule: ["minLength", "pattern", "hint"],
  port: ["number", "protocol", "allowedSourceAddressPrefix", "allowedSourceAddressPrefixes", "maxRequestAccessDuration"],
  request: ["virtualMachines", "startTimeUtc", "requestor", "justification"],
  requestVm: ["id", "ports"],
  requestPort: ["number", "allowedSourceAddressPrefix", "allowedSourceAddressPrefixes", "endTimeUtc", "status", "statusReason", "mappedPort"],
} as const;

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function entries(value: unknown): Array<[string, unknown]> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}

function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Fields of `raw` (already parsed as a policy) that the import would drop, with their paths. */
function policyLosses(raw: unknown, path: FilePath, losses: ImportLoss[]): void {
  const unknownIn = (value: unknown, base: FilePath, names: readonly string[]) => {
    for (const [key, inner] of entries(value)) if (!names.includes(key)) losses.push({ field: fieldPath([...base, key]), value: shown(inner) });
  };
  unknownIn(raw, path, known.policy);
  const name = entries(raw).find(([key]) => key === "name")?.[1];
  // The export writes one `default` policy per resource group and region: another name is not kept.
  if (typeof name === "string" && name !== "default") losses.push({ field: fieldPath([...path, "name"]), value: shown(name) });
  const properties = entries(raw).find(([key]) => key === "properties")?.[1];
  const propertiesPath = [...path, "properties"];
  unknownIn(properties, propertiesPath, known.properties);
  const field = (key: string) => entries(properties).find(([k]) => k === key)?.[1];
  items(field("virtualMachines")).forEach((vm, i) => {
    const vmPath = [...propertiesPath, "virtualMachines", i];
    unknownIn(vm, vmPath, known.vm);
    const extension = entries(vm).find(([k]) => k === "portcullis")?.[1];
    unknownIn(extension, [...vmPath, "portcullis"], known.extension);
    unknownIn(entries(extension).find(([k]) => k === "justificationRule")?.[1], [...vmPath, "portcullis", "justificationRule"], known.justificationRule);
    items(entries(vm).find(([k]) => k === "ports")?.[1]).forEach((port, j) => unknownIn(port, [...vmPath, "ports", j], known.port));
  });
  items(field("requests")).forEach((request, i) => {
    const requestPath = [...propertiesPath, "requests", i];
    unknownIn(request, requestPath, known.request);
    items(entries(request).find(([k]) => k === "virtualMachines")?.[1]).forEach((vm, j) => {
      const vmPath = [...requestPath, "virtualMachines", j];
      unknownIn(vm, vmPath, known.requestVm);
      items(entries(vm).find(([k]) => k === "ports")?.[1]).forEach((port, k) => unknownIn(port, [...vmPath, "ports", k], known.requestPort));
    });
  });
}

/**
 * The policy's request history split per VM; a request naming a VM the policy does not hold is refused (it could
 * never be exported back where it came from).
 */
function historyOf(requests: readonly DefenderRequest[], vmIds: ReadonlySet<string>, propertiesPath: FilePath, problems: FieldProblem[]): Map<string, HistoricalRequestPart[]> {
  const byVm = new Map<string, HistoricalRequestPart[]>();
  requests.forEach((request, i) => {
    const key = randomUUID();
    const vmsPath = [...propertiesPath, "requests", i, "virtualMachines"];
    if (request.virtualMachines.length === 0) problems.push({ field: fieldPath(vmsPath), rule: "must have at least one virtual machine" });
    request.virtualMachines.forEach((vm, vmIndex) => {
      const vmKey = vm.id.trim().toLowerCase();
      if (!vmIds.has(vmKey)) {
        problems.push({ field: fieldPath([...vmsPath, vmIndex, "id"]), rule: "must be one of this policy's virtualMachines" });
        return;
      }
      const part: HistoricalRequestPart = {
        request: key,
        vmIndex,
        startTimeUtc: request.startTimeUtc,
        requestor: request.requestor,
        ...(request.justification === undefined ? {} : { justification: request.justification }),
        ports: vm.ports,
      };
      byVm.set(vmKey, [...(byVm.get(vmKey) ?? []), part]);
    });
  });
  return byVm;
}

/** One Defender policy resource or an ARM list of them -> one target per VM, the history and the losses; 400 naming every bad path. */
export function readDefenderImport(body: unknown): DefenderImport {
  const isList = typeof body === "object" && body !== null && "value" in body;
  const rawPolicies = isList ? items((body as { value: unknown }).value) : [body];
  const policies: Array<{ policy: DefenderPolicy; path: FilePath }> = isList
    ? parseInput(ListSchema, body, "body").value.map((policy, i) => ({ policy, path: ["value", i] }))
    : [{ policy: parseInput(DefenderPolicySchema, body, "body"), path: [] }];
  const losses: ImportLoss[] = [];
  if (isList) for (const [key, inner] of entries(body)) if (!known.list.includes(key as "value")) losses.push({ field: fieldPath([key]), value: shown(inner) });
  const problems: FieldProblem[] = [];
  const targets: ImportTarget[] = [];
  const seen = new Map<string, string>();
  let historicalRequests = 0;
  policies.forEach(({ policy, path }, p) => {
    policyLosses(rawPolicies[p], path, losses);
    const propertiesPath = [...path, "properties"];
    const vmsPath = [...propertiesPath, "virtualMachines"];
    const history = historyOf(policy.properties.requests ?? [], new Set(policy.properties.virtualMachines.map((vm) => vm.id.trim().toLowerCase())), propertiesPath, problems);
    historicalRequests += policy.properties.requests?.length ?? 0;
    policy.properties.virtualMachines.forEach((vm, index) => {
      const vmPath = [...vmsPath, index];
      const target = importVm(vm, vmPath, problems);
      if (target === null) return;
      const earlier = seen.get(target.vmId.toLowerCase());
      if (earlier !== undefined) problems.push({ field: fieldPath([...vmPath, "id"]), rule: `repeats ${earlier}` });
      else {
        seen.set(target.vmId.toLowerCase(), fieldPath([...vmPath, "id"]));
        targets.push({ ...target, history: history.get(target.vmId.toLowerCase()) ?? [] });
      }
    });
  });
  if (problems.length === 0 && targets.length === 0) problems.push({ field: isList ? "value" : "properties.virtualMachines", rule: "must list at least one virtual machine" });
  if (targets.length > maxImportedVms) problems.push({ field: isList ? "value" : "properties.virtualMachines", rule: `at most ${maxImportedVms} virtual machines per import` });
  if (problems.length > 0) throw problemsError(problems);
  return { targets, historicalRequests, losses };
}

/**
 * A real import goes ahead only when `accepted` names exactly the losses: a loss not accepted, or an acceptance
 * of something that is not lost (a stale list from another file), is a 400 naming each.
 */
export function checkAcceptedLosses(losses: readonly ImportLoss[], accepted: readonly string[]): void {
  const lost = new Set(losses.map((l) => l.field));
  const acceptedSet = new Set(accepted);
  const problems: FieldProblem[] = [
    ...losses.filter((l) => !acceptedSet.has(l.field)).map((l) => ({ field: l.field, rule: "is not understood by Portcullis and would be dropped: list it in acceptLosses to import without it" })),
    ...accepted.flatMap((field, i) => (lost.has(field) ? [] : [{ field: fieldPath(["acceptLosses", i]), rule: `"${field}" is not a field this import would drop` }])),
  ];
  if (problems.length > 0) throw problemsError(problems, { losses });
}

function toDefenderPort(port: PolicyPort): DefenderPort {
  const protocol = port.protocol === "Any" ? "*" : port.protocol;
  const sources = port.allowedSources;
  const prefix =
    sources.kind !== "prefixes"
      ? { allowedSourceAddressPrefix: "*" }
      : sources.prefixes.length === 1
        ? { allowedSourceAddressPrefix: sources.prefixes[0] as string }
        : { allowedSourceAddressPrefixes: [...sources.prefixes] };
  return { number: port.port, protocol, ...prefix, maxRequestAccessDuration: port.maxRequestDuration };
}

/** The imported request history of these VMs, put back together: one entry per imported request, oldest first. */
function historyRequests(records: readonly PolicyRecord[]): DefenderRequest[] {
  const byRequest = new Map<string, Array<{ vmId: string; part: HistoricalRequestPart }>>();
  for (const record of records) {
    for (const part of record.requestHistory) byRequest.set(part.request, [...(byRequest.get(part.request) ?? []), { vmId: displayVmId(record), part }]);
  }
  const requests = [...byRequest.entries()].map(([key, parts]) => {
    const ordered = [...parts].sort((a, b) => a.part.vmIndex - b.part.vmIndex);
    const first = (ordered[0] as { part: HistoricalRequestPart }).part;
    const request: DefenderRequest = {
      virtualMachines: ordered.map(({ vmId, part }) => ({ id: vmId, ports: part.ports })),
      startTimeUtc: first.startTimeUtc,
      requestor: first.requestor,
      ...(first.justification === undefined ? {} : { justification: first.justification }),
    };
    return { key, at: Date.parse(first.startTimeUtc), request };
  });
  return requests.sort((a, b) => a.at - b.at || a.key.localeCompare(b.key)).map((r) => r.request);
}

/** The VM's `portcullis` extension: only when its settings differ from a new policy's (so plain policies export as Defender writes them). */
function extensionFor(record: PolicyRecord): { portcullis?: PortcullisVmExtension } {
  if (!record.justificationRequired && record.justificationRule === null) return {};
  return { portcullis: { justificationRequired: record.justificationRequired, justificationRule: record.justificationRule } };
}

/** Policies as Defender keeps them: one `default` policy per subscription, resource group and region. */
export function toDefenderPolicies(records: readonly PolicyRecord[]): DefenderPolicy[] {
  const groups = new Map<string, { subscriptionId: string; resourceGroup: string; location: string; records: PolicyRecord[] }>();
  for (const record of records) {
    const key = `${record.subscriptionId.toLowerCase()}|${record.resourceGroup.toLowerCase()}|${record.location.toLowerCase()}`;
    const group = groups.get(key) ?? { subscriptionId: record.subscriptionId, resourceGroup: record.resourceGroup, location: record.location, records: [] };
    group.records.push(record);
    groups.set(key, group);
  }
  return [...groups.values()].map((group) => ({
    id: `/subscriptions/${group.subscriptionId}/resourceGroups/${group.resourceGroup}/providers/Microsoft.Security/locations/${group.location}/jitNetworkAccessPolicies/default`,
    name: "default",
    type: defenderPolicyType,
    kind: "Basic",
    location: group.location,
    properties: {
      virtualMachines: group.records.map((record) => ({ id: displayVmId(record), ports: record.ports.map(toDefenderPort), ...extensionFor(record) })),
      requests: historyRequests(group.records),
      provisioningState: "Succeeded",
    },
  }));
}
