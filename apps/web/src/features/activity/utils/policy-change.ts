import { parseEventDetails, PolicyPortSchema, type ActivityAction, type PolicyPort } from "@portcullis/contract";
import { describeIsoDuration, describeSources } from "../../../lib/policy-port-text.ts";
import { portKey, portLabel } from "../../../lib/port-label.ts";

/** One port of a policy before and after a change; a side is undefined where the port was not configured. */
export type PortChange = {
  port: string;
  change: "added" | "removed" | "changed" | "unchanged";
  before: string | undefined;
  after: string | undefined;
};

const portsOf = (value: unknown): readonly PolicyPort[] | undefined => {
  const parsed = PolicyPortSchema.array().safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

/** The legacy reader: a payload that does not parse with its action's schema, read list by list. */
function legacyPolicyPorts(details: Record<string, unknown>): { before: readonly PolicyPort[] | undefined; after: readonly PolicyPort[] | undefined } {
  return { before: portsOf(details["previousPorts"]), after: portsOf(details["ports"]) };
}

/** The policy's ports before and after, from the typed payload (the contract's domain events) or the legacy reader. */
function policyPorts(action: ActivityAction, details: Record<string, unknown>): { before: readonly PolicyPort[] | undefined; after: readonly PolicyPort[] | undefined } {
  const parsed = parseEventDetails(action, details);
  if (!parsed.typed) return legacyPolicyPorts(details);
  switch (parsed.action) {
    case "policy.enabled":
    case "policy.edited":
    case "policy.removed":
    case "policy.imported":
      return { before: parsed.details.previousPorts, after: parsed.details.ports };
    default:
      return { before: undefined, after: undefined };
  }
}

/** A port's settings in words, the same words on both sides so a difference shows as one: "3 h · per request". */
function settings(port: PolicyPort): string {
  const approval = port.requireApproval === false ? " · opens without approval" : "";
  return `${describeIsoDuration(port.maxRequestDuration)} · ${describeSources(port.allowedSources)}${approval}`;
}

/**
 * The ports a policy event changed, port by port, from its details (`previousPorts` before, `ports` after: a new
 * policy has no before, a removed one no after). Undefined when the details hold neither list.
 */
export function policyPortChanges(details: Record<string, unknown>, action: ActivityAction = "policy.edited"): PortChange[] | undefined {
  const { before, after } = policyPorts(action, details);
  if (before === undefined && after === undefined) return undefined;
  const beforeByKey = new Map((before ?? []).map((port) => [portKey(port), port]));
  const afterByKey = new Map((after ?? []).map((port) => [portKey(port), port]));
  const keys = [...new Set([...beforeByKey.keys(), ...afterByKey.keys()])];
  const ports = keys.map((key) => (afterByKey.get(key) ?? beforeByKey.get(key)) as PolicyPort).sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  return ports.map((port) => {
    const key = portKey(port);
    const was = beforeByKey.get(key);
    const is = afterByKey.get(key);
    const beforeText = was ? settings(was) : undefined;
    const afterText = is ? settings(is) : undefined;
    const change = was === undefined ? "added" : is === undefined ? "removed" : beforeText === afterText ? "unchanged" : "changed";
    return { port: portLabel(port), change, before: beforeText, after: afterText };
  });
}
