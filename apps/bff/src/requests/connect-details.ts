import type { Grant } from "@portcullis/contract";
import type { GrantPort } from "@portcullis/core";

/** Azure's documented default admin name, for a VM whose own ARM does not report. */
const fallbackUser = "azureuser";

interface ConnectSource {
  ports: readonly GrantPort[];
  privateIps: readonly string[];
  osType: string | null;
  adminUsername: string | null;
}

function grants(ports: readonly GrantPort[], port: number): boolean {
  return ports.some((p) => p.port === port && (p.protocol === "TCP" || p.protocol === "Any"));
}

/**
 * How to reach the VM through the opened ports: rules target the private addresses (NSGs see traffic after
 * public-to-private translation), so those are what the user connects to from inside the network.
 */
export function connectDetails(source: ConnectSource): Grant["connect"] {
  // One address to connect to: IPv4 first, never a prefix an ip configuration holds.
  const single = source.privateIps.filter((a) => !a.includes("/"));
  const ip = single.find((a) => !a.includes(":")) ?? single[0] ?? null;
  const user = source.adminUsername ?? fallbackUser;
  const sshCommand = ip !== null && source.osType !== "Windows" && grants(source.ports, 22) ? `ssh ${user}@${ip} -p 22` : null;
  const host = ip !== null && ip.includes(":") ? `[${ip}]` : ip;
  const rdpFile = host !== null && grants(source.ports, 3389) ? `full address:s:${host}:3389\r\nusername:s:${user}\r\nprompt for credentials:i:1\r\n` : null;
  return { addresses: [...source.privateIps], sshCommand, rdpFile };
}
