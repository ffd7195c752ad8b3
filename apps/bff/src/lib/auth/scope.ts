import { tenantScope } from "@portcullis/contract";

/**
 * Scopes are ARM-style paths: `/` (the tenant), `/subscriptions/{id}`, `.../resourceGroups/{name}`, a VM id.
 * Stored and compared lower-cased, segment by segment: `/subscriptions/a/resourceGroups/rg-1` covers
 * `/subscriptions/a/resourceGroups/rg-1/providers/...` but never `/subscriptions/a/resourceGroups/rg-10`.
 */
export function normalizeScope(scope: string): string {
  const segments = scopeSegments(scope);
  return segments.length === 0 ? tenantScope : `/${segments.join("/")}`;
}

export function scopeSegments(scope: string): string[] {
  return scope
    .toLowerCase()
    .split("/")
    .filter((segment) => segment !== "");
}

/** True when `outer` is `inner` or one of its ancestors. */
export function scopeCovers(outer: readonly string[], inner: readonly string[]): boolean {
  if (outer.length > inner.length) return false;
  return outer.every((segment, i) => segment === inner[i]);
}

export function subscriptionScope(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}`;
}
