import { DefenderPolicySchema, IsoRequestDurationSchema } from "@portcullis/contract";
import type { AllowedSourcesBody, DefenderPolicy, JitProtocolName, PolicyPort } from "@portcullis/contract";
import { validatePolicy } from "@portcullis/core";
import { z } from "zod";
import { InputError } from "../lib/errors.ts";
import { parseInput, type FieldProblem } from "../lib/http/validation.ts";
import { displayVmId, toJitPolicy, type PolicyRecord } from "./policy-mapping.ts";
import { isVmId, vmIdRule } from "./vm-ids.ts";

/**
 * Defender for Cloud's JIT policy resource (Microsoft.Security/locations/jitNetworkAccessPolicies,
 * api-version 2020-01-01), in and out. Mapping decisions:
 * - protocol `*` is Any;
 * - a source of `*` is what Defender writes for "Per request", so it imports as `per-request` (the requester
 *   picks, we default to their IP), never as `any`; Any exports as `*` too, so a round trip narrows Any to
 *   Per request rather than widening anything;
 * - `0.0.0.0/0`, `::/0` and other whole-Internet prefixes are refused like any prefix list that means "everyone".
 */
export const defenderPolicyType = "Microsoft.Security/locations/jitNetworkAccessPolicies";
export const maxImportedVms = 200;

export interface ImportTarget {
  vmId: string;
  ports: PolicyPort[];
  /** Where the VM sits in the file (`value.0.properties.virtualMachines.1`), for messages. */
  path: string;
}

const ListSchema = z.object({ value: z.array(DefenderPolicySchema) });
type DefenderPort = DefenderPolicy["properties"]["virtualMachines"][number]["ports"][number];

const protocols: Record<DefenderPort["protocol"], JitProtocolName> = { TCP: "TCP", UDP: "UDP", "*": "Any" };

function sourcesOf(port: DefenderPort, path: string, problems: FieldProblem[]): { sources: AllowedSourcesBody; prefixField: string } | null {
  const list = port.allowedSourceAddressPrefixes;
  // Defender's schema makes the two forms mutually exclusive: keeping one would silently drop the other.
  if (list !== undefined && port.allowedSourceAddressPrefix !== undefined) {
    problems.push({ field: `${path}.allowedSourceAddressPrefixes`, rule: "give allowedSourceAddressPrefix or allowedSourceAddressPrefixes, not both (they are mutually exclusive)" });
    return null;
  }
  if (list !== undefined && list.length > 0) {
    const field = `${path}.allowedSourceAddressPrefixes`;
    const trimmed = list.map((p) => p.trim());
    if (trimmed.every((p) => p === "*")) return { sources: { kind: "per-request" }, prefixField: field };
    const star = trimmed.indexOf("*");
    if (star !== -1) {
      problems.push({ field: `${field}.${star}`, rule: '"*" (Per request) cannot be mixed with addresses' });
      return null;
    }
    return { sources: { kind: "prefixes", prefixes: trimmed }, prefixField: field };
  }
  const single = port.allowedSourceAddressPrefix?.trim();
  if (single === undefined || single === "") {
    problems.push({ field: `${path}.allowedSourceAddressPrefix`, rule: "allowedSourceAddressPrefix or allowedSourceAddressPrefixes is required" });
    return null;
  }
  if (single === "*") return { sources: { kind: "per-request" }, prefixField: `${path}.allowedSourceAddressPrefix` };
  return { sources: { kind: "prefixes", prefixes: [single] }, prefixField: `${path}.allowedSourceAddressPrefix` };
}

/** Core's `ports[i].<field>` issue, named as the file names it. */
function defenderField(issueField: string, vmPath: string, prefixFields: readonly string[]): string {
  const match = /^ports\[(\d+)\](?:\.(.*))?$/.exec(issueField);
  if (match === null) return `${vmPath}.ports`;
  const index = Number(match[1]);
  const rest = match[2] ?? "";
  const portPath = `${vmPath}.ports.${index}`;
  if (rest === "port") return `${portPath}.number`;
  if (rest === "maxRequestMinutes") return `${portPath}.maxRequestAccessDuration`;
  if (rest.startsWith("allowedSources")) {
    const base = prefixFields[index] ?? `${portPath}.allowedSourceAddressPrefixes`;
    const item = /\.prefixes\[(\d+)\]$/.exec(rest);
    return item !== null && base.endsWith("Prefixes") ? `${base}.${item[1]}` : base;
  }
  return rest === "" ? portPath : `${portPath}.${rest}`;
}

function importVm(vm: DefenderPolicy["properties"]["virtualMachines"][number], vmPath: string, problems: FieldProblem[]): ImportTarget | null {
  const before = problems.length;
  if (!isVmId(vm.id.trim())) problems.push({ field: `${vmPath}.id`, rule: vmIdRule });
  if (vm.ports.length === 0) problems.push({ field: `${vmPath}.ports`, rule: "must have at least one port" });
  // Refused rather than dropped: importing without it would open the VM's NSG instead of the firewall's DNAT.
  if (vm.publicIpAddress !== undefined) problems.push({ field: `${vmPath}.publicIpAddress`, rule: "Azure Firewall mode is not supported: Portcullis opens NSG rules only" });
  const ports: PolicyPort[] = [];
  const prefixFields: string[] = [];
  vm.ports.forEach((port, index) => {
    const path = `${vmPath}.ports.${index}`;
    const duration = IsoRequestDurationSchema.safeParse(port.maxRequestAccessDuration);
    if (!duration.success) problems.push({ field: `${path}.maxRequestAccessDuration`, rule: duration.error.issues[0]?.message ?? "is invalid" });
    const sources = sourcesOf(port, path, problems);
    prefixFields.push(sources?.prefixField ?? `${path}.allowedSourceAddressPrefixes`);
    ports.push({ port: port.number, protocol: protocols[port.protocol], allowedSources: sources?.sources ?? { kind: "per-request" }, maxRequestDuration: port.maxRequestAccessDuration });
  });
  if (problems.length > before) return null;
  for (const issue of validatePolicy(toJitPolicy(ports))) {
    problems.push({ field: defenderField(issue.field, vmPath, prefixFields), rule: issue.rule });
  }
  return problems.length > before ? null : { vmId: vm.id.trim(), ports, path: vmPath };
}

/** One Defender policy resource or an ARM list of them -> one target per VM; 400 naming every bad path. */
export function parseDefenderImport(body: unknown): ImportTarget[] {
  const isList = typeof body === "object" && body !== null && "value" in body;
  const policies: Array<{ policy: DefenderPolicy; path: string }> = isList
    ? parseInput(ListSchema, body, "body").value.map((policy, i) => ({ policy, path: `value.${i}` }))
    : [{ policy: parseInput(DefenderPolicySchema, body, "body"), path: "" }];
  const problems: FieldProblem[] = [];
  const targets: ImportTarget[] = [];
  const seen = new Map<string, string>();
  for (const { policy, path } of policies) {
    const vmsPath = `${path === "" ? "" : `${path}.`}properties.virtualMachines`;
    policy.properties.virtualMachines.forEach((vm, index) => {
      const vmPath = `${vmsPath}.${index}`;
      const target = importVm(vm, vmPath, problems);
      if (target === null) return;
      const earlier = seen.get(target.vmId.toLowerCase());
      if (earlier !== undefined) problems.push({ field: `${vmPath}.id`, rule: `repeats ${earlier}.id` });
      else {
        seen.set(target.vmId.toLowerCase(), vmPath);
        targets.push(target);
      }
    });
  }
  if (problems.length === 0 && targets.length === 0) problems.push({ field: isList ? "value" : "properties.virtualMachines", rule: "must list at least one virtual machine" });
  if (targets.length > maxImportedVms) problems.push({ field: isList ? "value" : "properties.virtualMachines", rule: `at most ${maxImportedVms} virtual machines per import` });
  if (problems.length > 0) throw new InputError(problems.map((p) => `${p.field}: ${p.rule}`).join("; "), { details: { problems } });
  return targets;
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
      virtualMachines: group.records.map((record) => ({ id: displayVmId(record), ports: record.ports.map(toDefenderPort) })),
      requests: [],
      provisioningState: "Succeeded",
    },
  }));
}
