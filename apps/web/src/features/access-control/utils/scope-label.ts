/** An RBAC scope taken apart; undefined for text that is none of the four forms. */
export type ParsedScope =
  | { kind: "tenant" }
  | { kind: "subscription"; subscriptionId: string }
  | { kind: "resourceGroup"; subscriptionId: string; resourceGroup: string }
  | { kind: "vm"; subscriptionId: string; resourceGroup: string; vmName: string };

const scopePattern =
  /^\/subscriptions\/([0-9a-f-]{36})(?:\/resourceGroups\/([^/]+)(?:\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+))?)?$/i;

export function parseScope(scope: string): ParsedScope | undefined {
  if (scope === "/") return { kind: "tenant" };
  const match = scopePattern.exec(scope);
  if (!match) return undefined;
  const [, subscriptionId = "", resourceGroup, vmName] = match;
  if (resourceGroup === undefined) return { kind: "subscription", subscriptionId };
  if (vmName === undefined) return { kind: "resourceGroup", subscriptionId, resourceGroup };
  return { kind: "vm", subscriptionId, resourceGroup, vmName };
}

/** Subscription names by id, keyed in lower case (ARM ids are case-insensitive). */
export type SubscriptionNames = ReadonlyMap<string, string>;

export function subscriptionNamesFrom(subscriptions: ReadonlyArray<{ id: string; name: string }>): SubscriptionNames {
  return new Map(subscriptions.map((subscription) => [subscription.id.toLowerCase(), subscription.name]));
}

/**
 * A scope in words when its subscription is one Portcullis knows ("Resource group rg-web in Contoso-Prod");
 * otherwise the raw scope, which is then the clearest thing to show.
 */
export function describeScope(scope: string, names: SubscriptionNames): string {
  const parsed = parseScope(scope);
  if (!parsed) return scope;
  if (parsed.kind === "tenant") return "Tenant (all subscriptions)";
  const subscription = names.get(parsed.subscriptionId.toLowerCase());
  if (subscription === undefined) return scope;
  switch (parsed.kind) {
    case "subscription":
      return `Subscription ${subscription}`;
    case "resourceGroup":
      return `Resource group ${parsed.resourceGroup} in ${subscription}`;
    case "vm":
      return `VM ${parsed.vmName} in ${parsed.resourceGroup} (${subscription})`;
  }
}
