/** ARM ids compare case-insensitively; snapshot maps are keyed by this form. */
export function armIdKey(id: string): string {
  return id.toLowerCase();
}

/** The last segment of an ARM id (the resource name). */
export function nameFromArmId(id: string): string {
  const segments = id.split("/").filter((segment) => segment.length > 0);
  return segments[segments.length - 1] ?? id;
}

/** The segment after `resourceGroups`, or "" when the id has none. */
export function resourceGroupFromArmId(id: string): string {
  const segments = id.split("/");
  const index = segments.findIndex((segment) => segment.toLowerCase() === "resourcegroups");
  return index === -1 ? "" : (segments[index + 1] ?? "");
}

/** `/subscriptions/<guid>/...` or a bare guid -> the lower-cased guid. */
export function subscriptionKey(idOrGuid: string): string {
  const segments = idOrGuid.split("/").filter((segment) => segment.length > 0);
  const index = segments.findIndex((segment) => segment.toLowerCase() === "subscriptions");
  return (index === -1 ? idOrGuid : (segments[index + 1] ?? idOrGuid)).toLowerCase();
}
