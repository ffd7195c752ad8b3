import type { Exposure, managementPorts } from "@portcullis/contract";
import type { RuleProtocol } from "../nsg/types.ts";

export type ManagementPort = (typeof managementPorts)[number];

const serviceNames: Record<ManagementPort, string> = {
  22: "SSH",
  3389: "RDP",
  5985: "WinRM over HTTP",
  5986: "WinRM over HTTPS",
};

/** `22 (SSH)`; other ports are written bare. */
export function describePort(port: number): string {
  const service = (serviceNames as Record<number, string | undefined>)[port];
  return service === undefined ? String(port) : `${port} (${service})`;
}

/** ARM protocol -> the API's (and Defender's) spelling. */
export function exposureProtocol(protocol: RuleProtocol): Exposure["protocol"] | null {
  switch (protocol) {
    case "Tcp":
      return "TCP";
    case "Udp":
      return "UDP";
    case "*":
      return "Any";
    default:
      return null;
  }
}
