import type { AllowedSourcesBody, PolicyPort } from "@portcullis/contract";
import { describeIsoDuration } from "./iso-duration.ts";

export function describeSources(sources: AllowedSourcesBody): string {
  switch (sources.kind) {
    case "per-request":
      return sources.maxPrefixSize === undefined ? "per request" : `per request (up to /${sources.maxPrefixSize.ipv4}, /${sources.maxPrefixSize.ipv6})`;
    case "any":
      return "any source";
    case "prefixes": {
      const [first, ...rest] = sources.prefixes;
      return rest.length === 0 ? (first ?? "") : `${first ?? ""} +${rest.length}`;
    }
  }
}

/** One port of a policy in a few words: "22 TCP · 3 h · per request". */
export function describePolicyPort(port: PolicyPort): string {
  return `${port.port} ${port.protocol} · ${describeIsoDuration(port.maxRequestDuration)} · ${describeSources(port.allowedSources)}`;
}

/** The VM name at the end of an ARM id; the id itself when it has no name segment. */
export function vmNameFromId(vmId: string): string {
  const match = /\/virtualMachines\/([^/]+)\/?$/i.exec(vmId);
  return match?.[1] ?? vmId;
}

/** An NSG rule's protocol as the blades show it: ARM's `Tcp`/`Udp`/`*` as TCP, UDP, Any. */
export function ruleProtocolLabel(protocol: string): string {
  return protocol === "*" ? "Any" : protocol.toUpperCase();
}
