import ipaddr from "ipaddr.js";

/**
 * A deliberately small NSG evaluator used only to check the demo seed's table against what the
 * emulator serves: which management ports an arbitrary Internet host can reach on a private IP.
 */
export interface RuleView {
  nsg: string;
  name: string;
  priority: number;
  direction: string;
  access: string;
  protocol: string;
  sources: string[];
  destinations: string[];
  ports: string[];
}

export const MANAGEMENT_PORTS = [22, 3389, 5985, 5986];
const INTERNET_WIDE = new Set(["*", "internet", "0.0.0.0/0", "::/0"]);

/** `ip` may be an ip configuration's prefix ("10.10.2.240/28"): its first address stands for it (the demo's rules target whole blocks). */
function contains(prefix: string, ip: string, vnetPrefixes: string[]): boolean {
  if (prefix === "*") return true;
  if (prefix.toLowerCase() === "virtualnetwork") return vnetPrefixes.some((p) => contains(p, ip, []));
  const address = ipaddr.parse(ip.split("/")[0] ?? ip);
  if (!prefix.includes("/")) return ipaddr.isValid(prefix) && ipaddr.parse(prefix).toString() === address.toString();
  const [network, bits] = ipaddr.parseCIDR(prefix);
  return network.kind() === address.kind() && address.match([network, bits]);
}

function portIn(range: string, port: number): boolean {
  if (range === "*") return true;
  const [low = "", high = low] = range.split("-");
  return Number(low) <= port && port <= Number(high);
}

/** The first inbound rule (custom or default) that a TCP flow from the Internet to ip:port hits. */
export function firstMatch(rules: RuleView[], ip: string, port: number, vnetPrefixes: string[]): RuleView | undefined {
  return rules
    .filter((r) => r.direction === "Inbound" && (r.protocol === "Tcp" || r.protocol === "*"))
    .sort((a, b) => a.priority - b.priority)
    .find(
      (r) =>
        r.sources.some((s) => INTERNET_WIDE.has(s.toLowerCase())) &&
        r.destinations.some((d) => contains(d, ip, vnetPrefixes)) &&
        r.ports.some((p) => portIn(p, port)),
    );
}

/**
 * For one private IP behind up to two NSG layers (subnet, then NIC), the management ports open to the
 * Internet with the admitting rule of every layer ("nsg/rule").
 */
export function openPorts(layers: RuleView[][], ip: string, vnetPrefixes: string[]): Map<number, string[]> {
  const open = new Map<number, string[]>();
  if (layers.length === 0) return open;
  for (const port of MANAGEMENT_PORTS) {
    const hits = layers.map((rules) => firstMatch(rules, ip, port, vnetPrefixes));
    if (hits.every((h) => h?.access === "Allow")) open.set(port, hits.map((h) => `${h?.nsg}/${h?.name}`));
  }
  return open;
}
