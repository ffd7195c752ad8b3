import { z } from "zod";

/**
 * The one home of ARM ids, RBAC scopes and UUIDs, used by the web, the BFF and core alike: scope matching decides
 * authorization, so it must not be spelled twice. ARM ids compare case-insensitively.
 */

/** A UUID in its 8-4-4-4-12 hex form (any case), as Entra, ARM and Portcullis's own ids are. */
export const UuidSchema = z.guid();

export function isUuid(text: string): boolean {
  return UuidSchema.safeParse(text).success;
}

/** A UUID parameter whose refusal names what the id is ("must be a grant id (a UUID)"). */
export function uuidSchema(rule: string) {
  return z.guid({ message: rule });
}

/** ARM ids compare case-insensitively; maps and stores key them by this form. */
export function armIdKey(id: string): string {
  return id.toLowerCase();
}

function segmentsOf(id: string): string[] {
  return id.split("/").filter((segment) => segment !== "");
}

/** The last segment of an ARM id (the resource's name); the text itself when it has no segment. */
export function nameFromArmId(id: string): string {
  return segmentsOf(id).at(-1) ?? id;
}

/** The segment after `resourceGroups`, or "" when the id has none. */
export function resourceGroupFromArmId(id: string): string {
  const segments = segmentsOf(id);
  const index = segments.findIndex((segment) => segment.toLowerCase() === "resourcegroups");
  return index === -1 ? "" : (segments[index + 1] ?? "");
}

/** `/subscriptions/<guid>/...` or a bare guid -> the lower-cased guid. */
export function subscriptionKey(idOrGuid: string): string {
  const segments = segmentsOf(idOrGuid);
  const index = segments.findIndex((segment) => segment.toLowerCase() === "subscriptions");
  return (index === -1 ? idOrGuid : (segments[index + 1] ?? idOrGuid)).toLowerCase();
}

/** The scope of tenant-wide roles and the root of every other scope. */
export const tenantScope = "/";

/** An RBAC scope taken apart: the tenant, a subscription, a resource group or a VM (its ARM id). */
export type ParsedScope =
  | { kind: "tenant" }
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "resourceGroup"; subscriptionId: string; resourceGroup: string }
  | { kind: "vm"; subscriptionId: string; resourceGroup: string; vmName: string };

const resourceGroupName = /^[-\w._()]{1,90}$/;
const vmName = /^[-\w._]{1,64}$/;

/**
 * `/`, `/subscriptions/{guid}`, `.../resourceGroups/{name}` or `.../providers/Microsoft.Compute/virtualMachines/{name}`
 * (the keywords in any case, as ARM writes them); undefined for anything else.
 */
export function parseScope(scope: string): ParsedScope | undefined {
  if (scope === tenantScope) return { kind: "tenant" };
  if (!scope.startsWith("/") || scope.endsWith("/") || scope.includes("//")) return undefined;
  const [subscriptions, subscriptionId, groups, resourceGroup, providers, namespace, type, name, ...rest] = scope.slice(1).split("/");
  if (subscriptions?.toLowerCase() !== "subscriptions" || subscriptionId === undefined || !isUuid(subscriptionId)) return undefined;
  if (groups === undefined) return { kind: "subscription", subscriptionId };
  if (groups.toLowerCase() !== "resourcegroups" || resourceGroup === undefined || !resourceGroupName.test(resourceGroup)) return undefined;
  if (providers === undefined) return { kind: "resourceGroup", subscriptionId, resourceGroup };
  const isVmPath = providers.toLowerCase() === "providers" && namespace?.toLowerCase() === "microsoft.compute" && type?.toLowerCase() === "virtualmachines";
  if (!isVmPath || name === undefined || !vmName.test(name) || rest.length > 0) return undefined;
  return { kind: "vm", subscriptionId, resourceGroup, vmName: name };
}

export const scopeRule = "must be /, /subscriptions/{id}, /subscriptions/{id}/resourceGroups/{name} or a virtual machine id";

/** A scope like Azure's (see `parseScope`), at most 400 characters. */
export const ScopeSchema = z
  .string()
  .max(400)
  .refine((scope) => parseScope(scope) !== undefined, { message: scopeRule });

export const vmIdRule = "must be a virtual machine id (/subscriptions/{id}/resourceGroups/{name}/providers/Microsoft.Compute/virtualMachines/{name})";

/** A virtual machine's ARM id. */
export function isVmId(text: string): boolean {
  return parseScope(text)?.kind === "vm";
}

/** Lower-cased segments of a scope; `/` has none. */
export function scopeSegments(scope: string): string[] {
  return segmentsOf(scope.toLowerCase());
}

/**
 * Scopes are stored and compared lower-cased, segment by segment: `/subscriptions/a/resourceGroups/rg-1` covers
 * `/subscriptions/a/resourceGroups/rg-1/providers/...` but never `/subscriptions/a/resourceGroups/rg-10`.
 */
export function normalizeScope(scope: string): string {
  const segments = scopeSegments(scope);
  return segments.length === 0 ? tenantScope : `/${segments.join("/")}`;
}

/** True when `outer` is `inner` or one of its ancestors (both as `scopeSegments`). */
export function scopeCovers(outer: readonly string[], inner: readonly string[]): boolean {
  if (outer.length > inner.length) return false;
  return outer.every((segment, i) => segment === inner[i]);
}

export function subscriptionScope(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}`;
}
