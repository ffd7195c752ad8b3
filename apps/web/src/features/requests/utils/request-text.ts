import { defaultPrefixSizeLimits, describeLimit, sourceLimitsOf } from "@portcullis/core";
import type { AllowedSourcesBody, JustificationRule, PolicyPort } from "@portcullis/contract";
import { describeMinutes } from "../../../lib/format.ts";
import { portMaxMinutes } from "./duration-options.ts";
import { portNumbers } from "../../../lib/port-label.ts";

function listed(values: readonly string[]): string {
  if (values.length <= 1) return values[0] ?? "";
  return `${values.slice(0, -1).join(", ")} and ${values.at(-1) ?? ""}`;
}

/** A port's allowed sources for its switch's caption. */
export function allowedSourcesText(sources: AllowedSourcesBody): string {
  switch (sources.kind) {
    case "per-request": {
      const limits = sourceLimitsOf({ allowedSources: sources });
      return `you choose, up to a /${limits.ipv4} (IPv4) or /${limits.ipv6} (IPv6)`;
    }
    case "any":
      return "any, including the whole Internet";
    case "prefixes":
      return sources.prefixes.join(", ");
  }
}

/** "Max 3 h · sources: you choose". */
export function portCaption(port: PolicyPort): string {
  const max = portMaxMinutes(port);
  return `Max ${max === null ? port.maxRequestDuration : describeMinutes(max)} · sources: ${allowedSourcesText(port.allowedSources)}`;
}

/** The IP range field's helper text: what the chosen ports' policies accept (every port while none is chosen). */
export function rangeHint(ports: readonly PolicyPort[]): string {
  const fixed = [...new Set(ports.flatMap((port) => (port.allowedSources.kind === "prefixes" ? port.allowedSources.prefixes : [])))];
  if (fixed.length > 0) return `IP addresses or CIDR ranges; each must fit the policy's allowed sources (${fixed.join(", ")}).`;
  if (ports.length > 0 && ports.every((port) => port.allowedSources.kind === "any")) {
    return "IP addresses or CIDR ranges; the policy allows any source, but name only the addresses you connect from.";
  }
  // The narrowest limit of the chosen "per request" ports (the default while none is chosen) is what a request must keep to.
  const [first, ...rest] = ports.filter((port) => port.allowedSources.kind === "per-request").map((port) => sourceLimitsOf(port));
  const limits = rest.reduce((a, b) => ({ ipv4: Math.max(a.ipv4, b.ipv4), ipv6: Math.max(a.ipv6, b.ipv6) }), first ?? defaultPrefixSizeLimits);
  return `IP addresses or CIDR ranges; they must fit the policy's allowed sources: together at most ${describeLimit("ipv4", limits.ipv4)} or ${describeLimit("ipv6", limits.ipv6)}.`;
}

/** "Opening port 22 in the network security group nsg-vm-01…", with the NSGs' names when they are known. */
export function openingText(ports: ReadonlyArray<{ port: number }>, nsgNames: readonly string[] = []): string {
  const many = new Set(ports.map((port) => port.port)).size > 1;
  const what = `Opening port${many ? "s" : ""} ${portNumbers(ports)}`;
  if (nsgNames.length === 0) return `${what} in the network security group…`;
  return `${what} in the network security group${nsgNames.length > 1 ? "s" : ""} ${listed(nsgNames)}…`;
}

/**
 * The policy's justification rule as the requester reads it before typing ("Enter the incident or change number,
 * like INC123456. At least 10 characters. "); empty without a rule.
 */
export function justificationRuleText(rule: JustificationRule | null | undefined): string {
  if (!rule) return "";
  const parts = [...(rule.pattern !== null && rule.hint ? [rule.hint.replace(/[.\s]+$/, "")] : []), ...(rule.minLength > 0 ? [`At least ${rule.minLength} characters`] : [])];
  return parts.map((part) => `${part}. `).join("");
}
