import type { Exposure } from "@portcullis/contract";

export function exposureLabel(exposure: Exposure): string {
  return `${exposure.port} open`;
}

/** Names the rule that admits the port, so an admin can find it in the NSG. */
export function describeExposure(exposure: Exposure): string {
  const protocol = exposure.protocol === "Any" ? "any protocol" : exposure.protocol;
  return `Port ${exposure.port} (${protocol}) is open to ${exposure.source} by rule ${exposure.ruleName} (priority ${exposure.priority}) in NSG ${exposure.nsgName}`;
}
