/** An NSG rule's protocol as the blades show it: ARM's `Tcp`/`Udp`/`*` as TCP, UDP, Any. */
export function ruleProtocolLabel(protocol: string): string {
  return protocol === "*" ? "Any" : protocol.toUpperCase();
}
