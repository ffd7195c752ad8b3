/**
 * The subset of an Azure NSG security rule the domain reasons about.
 * Normalised: singular and plural ARM fields are merged into the plural arrays
 * (e.g. `sourceAddressPrefix: "*"` becomes `sourceAddressPrefixes: ["*"]`).
 */
export type RuleDirection = "Inbound" | "Outbound";
export type RuleAccess = "Allow" | "Deny";
/** ARM's protocol values. */
export type RuleProtocol = "Tcp" | "Udp" | "Icmp" | "Esp" | "Ah" | "*";

export interface NsgRule {
  name: string;
  priority: number;
  direction: RuleDirection;
  access: RuleAccess;
  protocol: RuleProtocol;
  /** CIDRs, IPs, service tags (`Internet`, `VirtualNetwork`, `AzureLoadBalancer`) or `*`. */
  sourceAddressPrefixes: string[];
  sourcePortRanges: string[];
  /** CIDRs, IPs, service tags or `*`. */
  destinationAddressPrefixes: string[];
  /** `"22"`, `"1000-2000"` or `"*"`. */
  destinationPortRanges: string[];
  description?: string;
}

export interface Nsg {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  /** Custom rules only; default rules are implied (see defaultRules). */
  rules: NsgRule[];
  /** ARM's `flushConnection` (established flows re-evaluated when rules change); absent when off. */
  flushConnection?: true;
}

/** The protocol of a concrete flow (what a packet carries). */
export type FlowProtocol = "Tcp" | "Udp";

/**
 * A concrete flow. `source` (inbound) or `destination` (outbound) is an IP
 * address, or the literal `"Internet"` meaning "an arbitrary host on the
 * Internet": it matches only rules whose prefix covers every Internet address
 * (`*`, `Any`, `Internet`, `0.0.0.0/0` for IPv4, `::/0` for IPv6), so a rule
 * admitting only an office range does not make a port open to the Internet.
 */
export interface Flow {
  source: string;
  destination: string;
  port: number;
  protocol: FlowProtocol;
  /**
   * The client's port. When absent the client may use any port, so only rules
   * whose source port ranges cover every port (`*`, `0-65535`) match.
   */
  sourcePort?: number;
}
