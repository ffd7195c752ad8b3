import { EstateBuilder, type RuleSpec } from "./builder.ts";
import type { Estate } from "../store/types.ts";

export interface LargeEstateSpec {
  vms: number;
  nsgs: number;
  /** Default 2. */
  subscriptions?: number;
  /** PRNG seed; the same spec always gives the same estate. Default 1. */
  seed?: number;
}

const LOCATIONS = ["westeurope", "northeurope", "eastus", "westus2", "southeastasia"];
const SIZES = ["Standard_B2s", "Standard_D2s_v5", "Standard_D4s_v5", "Standard_E4s_v5", "Standard_F4s_v2"];
const VMS_PER_SUBNET = 200;
const VMS_PER_RESOURCE_GROUP = 250;

/** Rule templates; an NSG takes a few of them, each at its own priority. Several admit 22/3389 from the Internet. */
const TEMPLATES: Array<Omit<RuleSpec, "priority">> = [
  { name: "Allow-HTTPS-Internet", ports: "443", source: "Internet" },
  { name: "Allow-SSH-Any", ports: "22", source: "*" },
  { name: "Allow-RDP-Internet", ports: "3389", source: "Internet" },
  { name: "Allow-SSH-Office", ports: "22", source: "203.0.113.0/24" },
  { name: "Allow-RDP-Office", ports: "3389", source: "198.51.100.0/24" },
  { name: "Allow-App-VNet", ports: "8080", source: "VirtualNetwork" },
  { name: "Allow-WinRM-Internet", ports: "5985-5986", source: "0.0.0.0/0" },
  { name: "Deny-Telnet", ports: "23", source: "*", access: "Deny" },
];

/** mulberry32: small, fast and deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/**
 * A large, deterministic estate for load tests: `vms` VMs and exactly `nsgs` NSGs spread over
 * `subscriptions` subscriptions (one location and one /16 virtual network each). About a fifth of the
 * NSGs sit on subnets, the rest on NICs; some VMs have no NSG at all.
 */
export function generateLargeEstate(spec: LargeEstateSpec): Estate {
  const seed = spec.seed ?? 1;
  const subscriptionCount = Math.max(1, Math.min(spec.subscriptions ?? 2, 150));
  const random = prng(seed);
  const b = new EstateBuilder(`portcullis-large-${seed}`, "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");

  for (let s = 0; s < subscriptionCount; s++) {
    const subscriptionId = b.guid(`subscription:${s}`);
    const location = LOCATIONS[s % LOCATIONS.length] ?? "westeurope";
    const tag = `s${pad(s + 1, 2)}`;
    b.subscription(subscriptionId, `Fabrikam-Scale-${pad(s + 1, 2)}`);
    const netRg = `rg-${tag}-net`;
    b.resourceGroup(subscriptionId, netRg, location);

    const vmCount = share(spec.vms, subscriptionCount, s);
    const nsgCount = share(spec.nsgs, subscriptionCount, s);
    const subnetCount = Math.max(1, Math.ceil(vmCount / VMS_PER_SUBNET));
    if (subnetCount > 256) throw new Error(`A subscription holds at most ${256 * VMS_PER_SUBNET} VMs here; use more subscriptions.`);
    const subnetNsgCount = Math.min(Math.ceil(subnetCount * 0.6), Math.floor(nsgCount * 0.2));
    const nicNsgCount = nsgCount - subnetNsgCount;

    const makeRules = (): RuleSpec[] => {
      const count = 1 + Math.floor(random() * 5);
      const start = Math.floor(random() * TEMPLATES.length);
      return Array.from({ length: count }, (_, i) => {
        const template = TEMPLATES[(start + i) % TEMPLATES.length] ?? TEMPLATES[0]!;
        return { ...template, priority: 100 + i * 10 };
      });
    };
    const subnetNsgs = Array.from({ length: subnetNsgCount }, (_, i) =>
      b.networkSecurityGroup(subscriptionId, netRg, `nsg-${tag}-snet-${pad(i + 1, 3)}`, location, makeRules()),
    );
    const vmRgCount = Math.max(1, Math.ceil(vmCount / VMS_PER_RESOURCE_GROUP));
    for (let g = 0; g < vmRgCount; g++) b.resourceGroup(subscriptionId, `rg-${tag}-app-${pad(g + 1, 3)}`, location);
    const nicNsgs = Array.from({ length: nicNsgCount }, (_, i) =>
      b.networkSecurityGroup(subscriptionId, `rg-${tag}-app-${pad((i % vmRgCount) + 1, 3)}`, `nsg-${tag}-nic-${pad(i + 1, 5)}`, location, makeRules()),
    );

    const second = (s + 64) % 256;
    const subnets = b.virtualNetwork(
      subscriptionId,
      netRg,
      `vnet-${tag}`,
      location,
      [`10.${second}.0.0/16`],
      Array.from({ length: subnetCount }, (_, k) => ({
        name: `snet-${pad(k + 1, 3)}`,
        addressPrefixes: [`10.${second}.${k}.0/24`],
        nsgId: k < subnetNsgs.length ? (subnetNsgs[k] ?? null) : null,
      })),
    );
    const subnetIds = Object.values(subnets);

    for (let v = 0; v < vmCount; v++) {
      const name = `vm-${tag}-${pad(v + 1, 5)}`;
      const subnetId = subnetIds[Math.floor(v / VMS_PER_SUBNET)] ?? subnetIds[0]!;
      // NIC NSGs are spread over NICs round-robin; roughly one VM in four gets none of its own.
      const nicNsg = nicNsgs.length > 0 && random() < 0.75 ? (nicNsgs[v % nicNsgs.length] ?? null) : null;
      const nics = [{ name: `nic-${name}`, subnetId, nsgId: nicNsg }];
      if (v % 97 === 96) nics.push({ name: `nic-${name}-b`, subnetId, nsgId: null });
      b.virtualMachine({
        subscriptionId,
        resourceGroup: `rg-${tag}-app-${pad(Math.floor(v / VMS_PER_RESOURCE_GROUP) + 1, 3)}`,
        name,
        location,
        os: random() < 0.6 ? "Linux" : "Windows",
        size: SIZES[Math.floor(random() * SIZES.length)] ?? "Standard_B2s",
        nics,
      });
    }
  }
  return b.build();
}
