import { type ArmError, badRequest } from "../arm/errors.ts";
import type { SecurityRuleProperties } from "../store/types.ts";
import { addressFamily, classifyPrefix, isPortRange } from "./address.ts";

/** ARM's limits for NSGs (domain.md section 2). */
export const MAX_RULES_PER_NSG = 1000;
export const MAX_NAME_LENGTH = 80;
export const MAX_DESCRIPTION_LENGTH = 140;
export const PRIORITY_MIN = 100;
export const PRIORITY_MAX = 4096;

const PROTOCOLS = ["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"];
const ACCESS = ["Allow", "Deny"];
const DIRECTIONS = ["Inbound", "Outbound"];
const NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

export function validateResourceName(name: string): void {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || !NAME.test(name)) {
    throw badRequest(
      "InvalidResourceName",
      `Resource name ${name} is invalid. The name can be up to ${MAX_NAME_LENGTH} characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`,
    );
  }
}

function unsupported(ruleId: string, parameter: string, value: unknown, allowed?: string[]): ArmError {
  const shown = typeof value === "string" ? value : JSON.stringify(value ?? null);
  const tail = allowed ? ` Supported values: ${allowed.join(", ")}.` : "";
  return badRequest(
    "SecurityRuleParameterContainsUnsupportedValue",
    `Security rule parameter ${parameter} for rule with Id ${ruleId} has an unsupported value. Unsupported value used: ${shown}.${tail}`,
  );
}

/** ARM accepts enum values in any case and answers with the canonical spelling. */
function canonical(ruleId: string, parameter: string, value: unknown, allowed: string[]): string {
  const hit = typeof value === "string" ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  if (!hit) throw unsupported(ruleId, parameter, value, allowed);
  return hit;
}

function stringList(ruleId: string, parameter: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw unsupported(ruleId, parameter, value);
  return value as string[];
}

function optionalString(ruleId: string, parameter: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw unsupported(ruleId, parameter, value);
  return value;
}

/** Reads a singular/plural pair (e.g. sourcePortRange / sourcePortRanges); exactly one must be given. */
function pair(ruleId: string, props: Record<string, unknown>, singular: string, plural: string): { one: string | undefined; many: string[] } {
  const one = optionalString(ruleId, singular, props[singular]);
  const many = stringList(ruleId, plural, props[plural]);
  if (one !== undefined && many.length > 0) {
    throw unsupported(ruleId, plural, many, [`either ${singular} or ${plural}, not both`]);
  }
  return { one, many };
}

function invalidPort(value: string): ArmError {
  return badRequest(
    "SecurityRuleInvalidPortRange",
    `Security rule has invalid Port range. Value provided: ${value}. Value should be an integer OR integer range with '-' delimiter. Valid range 0-65535.`,
  );
}

function checkPorts(p: { one: string | undefined; many: string[] }): void {
  const values = p.one !== undefined ? [p.one] : p.many;
  if (values.length === 0) throw invalidPort("");
  for (const v of values) if (!isPortRange(v)) throw invalidPort(v);
}

function checkAddresses(ruleId: string, parameter: string, p: { one: string | undefined; many: string[] }): void {
  const invalid = (v: string): ArmError => badRequest("SecurityRuleInvalidAddressPrefix", `Security rule ${ruleId} has invalid Address prefix. Value provided: ${v}`);
  if (p.one !== undefined) {
    if (classifyPrefix(p.one) === "invalid") throw invalid(p.one);
    return;
  }
  if (p.many.length === 0) throw invalid("");
  for (const v of p.many) {
    const kind = classifyPrefix(v);
    if (kind === "invalid") throw invalid(v);
    // The plural fields take addresses only, as in ARM ("augmented" rules).
    if (kind !== "address") {
      throw badRequest(
        "SecurityRuleParameterContainsUnsupportedValue",
        `Security rule parameter ${parameter} for rule with Id ${ruleId} cannot specify existing VIRTUALNETWORK, INTERNET, AZURELOADBALANCER, '*' or system tags. Unsupported value used: ${v}.`,
      );
    }
  }
}

/** ARM refuses a rule whose addresses (source and destination together) mix IPv4 and IPv6. */
function checkOneFamily(ruleId: string, values: ReadonlyArray<string | undefined>): void {
  const families = new Set(values.flatMap((v) => (v === undefined ? [] : [addressFamily(v)])).filter((f) => f !== null));
  if (families.size > 1) {
    throw badRequest(
      "ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies",
      `Resource ${ruleId} contains IP addresses or prefixes that belong to different address families. All IP addresses or prefixes in the resource should belong to the same address family.`,
    );
  }
}

/** Validates one rule body (`{ properties: {...} }`) and returns its stored form. */
export function parseSecurityRule(ruleId: string, body: unknown): SecurityRuleProperties {
  const raw = typeof body === "object" && body !== null ? (body as Record<string, unknown>)["properties"] : undefined;
  if (typeof raw !== "object" || raw === null) throw badRequest("InvalidRequestFormat", `Cannot parse the request: security rule ${ruleId} has no properties.`);
  const props = raw as Record<string, unknown>;

  for (const asg of ["sourceApplicationSecurityGroups", "destinationApplicationSecurityGroups"]) {
    if (stringOrArrayLength(props[asg]) > 0) throw unsupported(ruleId, asg, "application security groups (not modelled by the emulator)");
  }
  const protocol = canonical(ruleId, "Protocol", props["protocol"], PROTOCOLS);
  const access = canonical(ruleId, "Access", props["access"], ACCESS) as SecurityRuleProperties["access"];
  const direction = canonical(ruleId, "Direction", props["direction"], DIRECTIONS) as SecurityRuleProperties["direction"];
  const priority = props["priority"];
  if (typeof priority !== "number" || !Number.isInteger(priority) || priority < PRIORITY_MIN || priority > PRIORITY_MAX) {
    throw badRequest("SecurityRuleInvalidPriority", `Security rule has invalid Priority. Value provided: ${String(priority)} Allowed range ${PRIORITY_MIN}-${PRIORITY_MAX}.`);
  }
  const description = optionalString(ruleId, "Description", props["description"]);
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) {
    throw unsupported(ruleId, "Description", `${description.length} characters`, [`at most ${MAX_DESCRIPTION_LENGTH} characters`]);
  }
  const sourcePorts = pair(ruleId, props, "sourcePortRange", "sourcePortRanges");
  const destinationPorts = pair(ruleId, props, "destinationPortRange", "destinationPortRanges");
  const sources = pair(ruleId, props, "sourceAddressPrefix", "sourceAddressPrefixes");
  const destinations = pair(ruleId, props, "destinationAddressPrefix", "destinationAddressPrefixes");
  checkPorts(sourcePorts);
  checkPorts(destinationPorts);
  checkAddresses(ruleId, "SourceAddressPrefixes", sources);
  checkAddresses(ruleId, "DestinationAddressPrefixes", destinations);
  checkOneFamily(ruleId, [sources.one, ...sources.many, destinations.one, ...destinations.many]);

  const result: SecurityRuleProperties = {
    protocol,
    sourcePortRanges: sourcePorts.many,
    destinationPortRanges: destinationPorts.many,
    sourceAddressPrefixes: sources.many,
    destinationAddressPrefixes: destinations.many,
    access,
    priority,
    direction,
  };
  if (description !== undefined) result.description = description;
  if (sourcePorts.one !== undefined) result.sourcePortRange = sourcePorts.one;
  if (destinationPorts.one !== undefined) result.destinationPortRange = destinationPorts.one;
  if (sources.one !== undefined) result.sourceAddressPrefix = sources.one;
  if (destinations.one !== undefined) result.destinationAddressPrefix = destinations.one;
  return result;
}

function stringOrArrayLength(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** Checks a whole rule set: count limit, unique names, and no two rules with the same priority and direction. */
export function validateRuleSet(nsgId: string, rules: ReadonlyArray<{ name: string; properties: SecurityRuleProperties }>): void {
  if (rules.length > MAX_RULES_PER_NSG) {
    throw badRequest("SecurityRuleCountLimitReached", `A security group cannot have more than ${MAX_RULES_PER_NSG} security rules.`);
  }
  const names = new Set<string>();
  const slots = new Map<string, string>();
  for (const rule of rules) {
    const nameKey = rule.name.toLowerCase();
    if (names.has(nameKey)) {
      throw badRequest("DuplicateResourceName", `Resource ${nsgId} has two child resources with the same name (${rule.name}).`);
    }
    names.add(nameKey);
    const slot = `${rule.properties.direction}:${rule.properties.priority}`;
    const other = slots.get(slot);
    if (other !== undefined) {
      throw badRequest(
        "SecurityRuleConflict",
        `Security rule ${rule.name} conflicts with rule ${other}. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.`,
      );
    }
    slots.set(slot, rule.name);
  }
}
