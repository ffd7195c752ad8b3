import { parseScope } from "@portcullis/contract";
// Scopes are parsed in one place, the contract, as the server parses them.
export { parseScope, type ParsedScope } from "@portcullis/contract";

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
