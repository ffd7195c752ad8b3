import type { AllowedSourcesBody, PolicyPort } from "@portcullis/contract";
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
    case "per-request":
      return "you choose";
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
  return "IP addresses or CIDR ranges; they must fit the policy's allowed sources (any specific address or range for this VM).";
}

/** "Opening port 22 in the network security group nsg-vm-01…", with the NSGs' names when they are known. */
export function openingText(ports: ReadonlyArray<{ port: number }>, nsgNames: readonly string[] = []): string {
  const many = new Set(ports.map((port) => port.port)).size > 1;
  const what = `Opening port${many ? "s" : ""} ${portNumbers(ports)}`;
  if (nsgNames.length === 0) return `${what} in the network security group…`;
  return `${what} in the network security group${nsgNames.length > 1 ? "s" : ""} ${listed(nsgNames)}…`;
}
