import { randomUUID } from "node:crypto";
import type { Request } from "express";
import { ArmError, badRequest, parentResourceNotFound, resourceNotFound, retryAfterSeconds } from "../arm/errors.ts";
import { idKey, networkSecurityGroupId, securityRuleId } from "../arm/ids.ts";
import { requireResourceGroup } from "../arm/request-context.ts";
import type { Operation } from "../lro/operations.ts";
import { networkSecurityGroupJson, securityRuleJson } from "../render/network.ts";
import type { EmulatorState } from "../state.ts";
import type { NetworkSecurityGroupRecord, SecurityRuleRecord } from "../store/types.ts";
import { parseSecurityRule, validateResourceName, validateRuleSet } from "./rule-validation.ts";

export interface WriteResult {
  status: number;
  body: object | null;
  /** Absent when nothing had to change (delete of something already gone). */
  operation: Operation | null;
}

export interface NsgAddress {
  subscriptionId: string;
  resourceGroup: string;
  nsgName: string;
}

const newEtag = (): string => `W/"${randomUUID()}"`;
const bareEtag = (etag: string): string => etag.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
const requestPath = (req: Request): string => req.originalUrl.split("?")[0] ?? req.path;

/** ARM normalises locations ("West Europe" -> "westeurope"). */
function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

function checkPreconditions(state: EmulatorState, req: Request, currentEtag: string | null): void {
  const ifMatch = req.get("if-match");
  const ifNoneMatch = req.get("if-none-match");
  const listed = (header: string): boolean =>
    header.trim() === "*" ? currentEtag !== null : currentEtag !== null && header.split(",").some((v) => bareEtag(v) === bareEtag(currentEtag));
  const failed = (ifMatch !== undefined && !listed(ifMatch)) || (ifNoneMatch !== undefined && listed(ifNoneMatch));
  if (failed) {
    state.counters.conflict();
    throw new ArmError(412, "PreconditionFailed", "The condition specified using HTTP conditional header(s) is not met.");
  }
}

/**
 * Azure's network provider answers a write to a resource held by another operation with 429 `RetryableError`,
 * the reason (`RetryableErrorDueToAnotherOperation`) in `details`, and Retry-After.
 */
function ensureNotBusy(state: EmulatorState, nsgId: string): void {
  const running = state.operations.busy(idKey(nsgId));
  if (!running) return;
  state.counters.conflict();
  const seconds = retryAfterSeconds(running.completesAt - Date.now());
  throw new ArmError(429, "RetryableError", "A retryable error occurred.", {
    details: [
      {
        code: "RetryableErrorDueToAnotherOperation",
        message: `Operation ${running.name} (${running.id}) is updating resource ${nsgId}. The call can be retried in ${seconds} seconds.`,
      },
    ],
    headers: { "Retry-After": String(seconds) },
  });
}

/** When the operation ends well: Updating -> Succeeded, Deleting rules and NSGs go away. */
function settle(state: EmulatorState, nsgId: string): void {
  const nsg = state.store.networkSecurityGroup(nsgId);
  if (!nsg) return;
  if (nsg.provisioningState === "Deleting") {
    state.store.removeNetworkSecurityGroup(nsgId);
    return;
  }
  nsg.rules = nsg.rules.filter((r) => r.provisioningState !== "Deleting");
  for (const rule of nsg.rules) rule.provisioningState = "Succeeded";
  nsg.provisioningState = "Succeeded";
}

/** Stores the new state of the NSG at once (as "Updating"/"Deleting") and starts the operation that settles it. */
function commit(state: EmulatorState, req: Request, operationName: string, before: NetworkSecurityGroupRecord | null, after: NetworkSecurityGroupRecord): Operation {
  state.store.putNetworkSecurityGroup(after);
  const fault = state.faults.takeLroFailure(req.method, requestPath(req));
  const slow = state.faults.takeLroLatency(req.method, requestPath(req));
  return state.operations.start({
    name: operationName,
    subscriptionId: after.subscriptionId,
    location: after.location,
    nsgKey: idKey(after.id),
    latencyMs: slow?.ms ?? state.config.writeLatencyMs,
    failure: fault ? { code: fault.code, message: fault.message ?? `The operation failed (injected fault ${fault.code}).` } : null,
    onSucceeded: () => {
      settle(state, after.id);
      state.saver.schedule();
    },
    onFailed: () => {
      // A failed write leaves the NSG as it was before it.
      if (before) state.store.putNetworkSecurityGroup(before);
      else state.store.removeNetworkSecurityGroup(after.id);
      state.saver.schedule();
    },
  });
}

function existingNsg(state: EmulatorState, a: NsgAddress): NetworkSecurityGroupRecord | undefined {
  const group = requireResourceGroup(state.store, a.subscriptionId, a.resourceGroup);
  return state.store.networkSecurityGroup(networkSecurityGroupId(group.subscriptionId, group.name, a.nsgName));
}

export function putSecurityRule(state: EmulatorState, req: Request, a: NsgAddress, ruleName: string): WriteResult {
  const nsg = existingNsg(state, a);
  if (!nsg) throw parentResourceNotFound(a.nsgName);
  validateResourceName(ruleName);
  const properties = parseSecurityRule(securityRuleId(nsg.id, ruleName), req.body);
  const existing = nsg.rules.find((r) => r.name.toLowerCase() === ruleName.toLowerCase());
  const name = existing?.name ?? ruleName;
  validateRuleSet(nsg.id, [...nsg.rules.filter((r) => r !== existing), { name, properties }]);
  ensureNotBusy(state, nsg.id);
  checkPreconditions(state, req, existing ? nsg.etag : null);

  const after = structuredClone(nsg);
  after.etag = newEtag();
  after.provisioningState = "Updating";
  const rule: SecurityRuleRecord = { name, provisioningState: "Updating", properties };
  const at = after.rules.findIndex((r) => r.name === name);
  if (at >= 0) after.rules[at] = rule;
  else after.rules.push(rule);
  const operation = commit(state, req, "PutSecurityRuleOperation", nsg, after);
  return { status: existing ? 200 : 201, body: securityRuleJson(after, name, { asWritten: true }), operation };
}

export function deleteSecurityRule(state: EmulatorState, req: Request, a: NsgAddress, ruleName: string): WriteResult {
  const nsg = existingNsg(state, a);
  const existing = nsg?.rules.find((r) => r.name.toLowerCase() === ruleName.toLowerCase());
  if (!nsg || !existing) return { status: 204, body: null, operation: null };
  ensureNotBusy(state, nsg.id);
  checkPreconditions(state, req, nsg.etag);

  const after = structuredClone(nsg);
  after.etag = newEtag();
  after.provisioningState = "Updating";
  for (const rule of after.rules) if (rule.name === existing.name) rule.provisioningState = "Deleting";
  return { status: 202, body: null, operation: commit(state, req, "DeleteSecurityRuleOperation", nsg, after) };
}

function parseRules(nsgId: string, properties: unknown): SecurityRuleRecord[] {
  if (properties === undefined || properties === null) return [];
  if (typeof properties !== "object") throw badRequest("InvalidRequestFormat", "Cannot parse the request: properties must be an object.");
  const list = (properties as Record<string, unknown>)["securityRules"];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw badRequest("InvalidRequestFormat", "Cannot parse the request: properties.securityRules must be an array.");
  return list.map((raw: unknown): SecurityRuleRecord => {
    const name = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)["name"] : undefined;
    if (typeof name !== "string") throw badRequest("InvalidRequestFormat", "Cannot parse the request: every security rule needs a name.");
    validateResourceName(name);
    return { name, provisioningState: "Updating", properties: parseSecurityRule(securityRuleId(nsgId, name), raw) };
  });
}

/** `properties.flushConnection`: a boolean; absent (or null) is false, since a PUT replaces the NSG. */
function parseFlushConnection(properties: unknown): boolean {
  const value = typeof properties === "object" && properties !== null ? (properties as Record<string, unknown>)["flushConnection"] : undefined;
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw badRequest("InvalidRequestFormat", "Cannot parse the request: properties.flushConnection must be a boolean.");
  return value;
}

function parseTags(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Object.values(value).some((v) => typeof v !== "string")) {
    throw badRequest("InvalidRequestFormat", "Cannot parse the request: tags must map names to strings.");
  }
  return { ...(value as Record<string, string>) };
}

/** Whole-NSG PUT: the body's rule set replaces the current one (omitting securityRules removes them all, as in ARM). */
export function putNetworkSecurityGroup(state: EmulatorState, req: Request, a: NsgAddress): WriteResult {
  const group = requireResourceGroup(state.store, a.subscriptionId, a.resourceGroup);
  validateResourceName(a.nsgName);
  const body: unknown = req.body;
  if (typeof body !== "object" || body === null) throw badRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: missing body.");
  const fields = body as Record<string, unknown>;
  const nsgId = networkSecurityGroupId(group.subscriptionId, group.name, a.nsgName);
  const existing = state.store.networkSecurityGroup(nsgId);
  const rawLocation = fields["location"];
  if (rawLocation !== undefined && typeof rawLocation !== "string") throw badRequest("InvalidRequestFormat", "Cannot parse the request: location must be a string.");
  const location = rawLocation ? normalizeLocation(rawLocation) : existing?.location;
  if (!location) throw badRequest("LocationRequired", "The location property is required for this definition.");
  if (existing && location !== existing.location) {
    throw new ArmError(
      409,
      "InvalidResourceLocation",
      `The resource '${existing.name}' already exists in location '${existing.location}' in resource group '${group.name}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`,
    );
  }
  const id = existing?.id ?? nsgId;
  const rules = parseRules(id, fields["properties"]);
  const flushConnection = parseFlushConnection(fields["properties"]);
  validateRuleSet(id, rules);
  ensureNotBusy(state, id);
  checkPreconditions(state, req, existing?.etag ?? null);

  const after: NetworkSecurityGroupRecord = {
    id,
    subscriptionId: group.subscriptionId,
    resourceGroup: existing?.resourceGroup ?? group.name,
    name: existing?.name ?? a.nsgName,
    location,
    resourceGuid: existing?.resourceGuid ?? randomUUID(),
    etag: newEtag(),
    provisioningState: "Updating",
    tags: parseTags(fields["tags"]),
    flushConnection,
    rules,
  };
  const operation = commit(state, req, "PutNetworkSecurityGroupOperation", existing ?? null, after);
  return { status: existing ? 200 : 201, body: networkSecurityGroupJson(state.store, after, { asWritten: true }), operation };
}

export function deleteNetworkSecurityGroup(state: EmulatorState, req: Request, a: NsgAddress): WriteResult {
  const nsg = existingNsg(state, a);
  if (!nsg) return { status: 204, body: null, operation: null };
  const users = [...state.store.nicIdsUsingNsg(nsg.id), ...state.store.subnetIdsUsingNsg(nsg.id)];
  if (users.length > 0) {
    throw badRequest(
      "InUseNetworkSecurityGroupCannotBeDeleted",
      `Network security group ${nsg.id} cannot be deleted because it is in use by the following resources: ${users.join(", ")}. In order to delete the Network security group, remove the association with the resource(s).`,
    );
  }
  ensureNotBusy(state, nsg.id);
  checkPreconditions(state, req, nsg.etag);
  const after = structuredClone(nsg);
  after.provisioningState = "Deleting";
  return { status: 202, body: null, operation: commit(state, req, "DeleteNetworkSecurityGroupOperation", nsg, after) };
}

/**
 * NSG PATCH (`updateTags`): replaces the tags at once (no long-running operation, as in ARM), changes the ETag,
 * and answers 200 with the NSG. A write in progress on the NSG makes it busy, as any other write.
 */
export function patchNetworkSecurityGroupTags(state: EmulatorState, req: Request, a: NsgAddress): object {
  const nsg = existingNsg(state, a);
  if (!nsg) {
    const group = requireResourceGroup(state.store, a.subscriptionId, a.resourceGroup);
    throw resourceNotFound("Microsoft.Network/networkSecurityGroups", a.nsgName, group.name);
  }
  const body: unknown = req.body;
  if (typeof body !== "object" || body === null) throw badRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: missing body.");
  const tags = parseTags((body as Record<string, unknown>)["tags"]);
  ensureNotBusy(state, nsg.id);
  checkPreconditions(state, req, nsg.etag);
  const after = structuredClone(nsg);
  after.tags = tags;
  after.etag = newEtag();
  state.store.putNetworkSecurityGroup(after);
  state.saver.schedule();
  return networkSecurityGroupJson(state.store, after);
}
