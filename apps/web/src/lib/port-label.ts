import type { JitProtocolName } from "@portcullis/contract";

/** The services people know the management ports by. */
const serviceNames: Readonly<Record<number, string>> = { 22: "SSH", 3389: "RDP", 5985: "WinRM HTTP", 5986: "WinRM HTTPS" };

/** "22 (SSH) TCP", "5986 (WinRM HTTPS) TCP", "Port 8080 UDP". */
export function portLabel(port: { port: number; protocol: JitProtocolName }): string {
  const service = serviceNames[port.port];
  return service ? `${port.port} (${service}) ${port.protocol}` : `Port ${port.port} ${port.protocol}`;
}

/** One key per port and protocol, as a policy may configure the same number for TCP and UDP. */
export function portKey(port: { port: number; protocol: JitProtocolName }): string {
  return `${port.port}/${port.protocol}`;
}

/** "22", "22 and 3389", "22, 3389 and 5986" (numbers only, repeated numbers once). */
export function portNumbers(ports: ReadonlyArray<{ port: number }>): string {
  const numbers = [...new Set(ports.map((port) => String(port.port)))];
  if (numbers.length <= 1) return numbers[0] ?? "";
  return `${numbers.slice(0, -1).join(", ")} and ${numbers.at(-1) ?? ""}`;
}
