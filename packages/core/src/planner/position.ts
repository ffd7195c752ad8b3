import { armIdKey } from "../inventory/arm-id.ts";
import type { VmNetwork } from "../inventory/vm-network.ts";
import { cidrEquals } from "../net/compare.ts";
import { parseCidrStrict } from "../net/parse.ts";
import type { Cidr, IpFamily } from "../net/parse.ts";
import type { PlanFailure, VmPosition } from "./types.ts";

/**
 * The VM's addresses whose inbound traffic one NSG decides: a NIC NSG covers its NIC, a subnet NSG the VM's
 * addresses in that subnet. An ip configuration may hold a prefix ("172.20.2.16/28"); single IPs are /32 or /128.
 */
export interface NsgCoverage {
  nsgId: string;
  ips: Cidr[];
}

export interface CoverageSuccess {
  ok: true;
  byNsg: Map<string, NsgCoverage>;
}

export type CoverageResult = CoverageSuccess | PlanFailure;

function invalid(message: string): PlanFailure {
  return { ok: false, reason: "invalid-input", nsgId: null, message };
}

/** Keyed by the lower-cased NSG id. */
export function coverageOf(position: VmPosition): CoverageResult {
  const byNsg = new Map<string, NsgCoverage>();
  let ipCount = 0;
  for (const nic of position.nics) {
    const ips: Cidr[] = [];
    for (const text of nic.privateIps) {
      const parsed = parseCidrStrict(text.trim());
      if (!parsed.ok) return invalid(`VM ${position.vmName}: NIC ${nic.id} has private IP "${text}", which is not an IP address or address prefix`);
      ips.push(parsed.value);
    }
    ipCount += ips.length;
    if (ips.length > 0 && nic.nsgId === null && nic.subnetNsgId === null) {
      // Protecting the other NICs would leave these addresses open while the VM looks protected.
      return {
        ok: false,
        reason: "no-nsg",
        nsgId: null,
        message: `VM ${position.vmName}: NIC ${nic.id} has no NSG on it or on its subnet, so JIT cannot protect ${nic.privateIps.join(", ")}`,
      };
    }
    for (const nsgId of [nic.nsgId, nic.subnetNsgId]) {
      if (nsgId === null) continue;
      const key = armIdKey(nsgId);
      const entry = byNsg.get(key) ?? { nsgId, ips: [] };
      for (const ip of ips) if (!entry.ips.some((known) => cidrEquals(known, ip))) entry.ips.push(ip);
      byNsg.set(key, entry);
    }
  }
  if (ipCount === 0) return invalid(`VM ${position.vmName} has no private IP address`);
  return { ok: true, byNsg };
}

export function ipsOfFamily(ips: readonly Cidr[], family: IpFamily): Cidr[] {
  return ips.filter((ip) => ip.family === family);
}

/** Builds the planner's view of a VM from the inventory's resolved network (one entry per NIC and subnet). */
export function positionFromNetwork(vm: { id: string; name: string }, network: VmNetwork): VmPosition {
  return {
    vmId: vm.id,
    vmName: vm.name,
    nics: network.nics.flatMap((binding) =>
      binding.groups.map((group) => ({
        id: binding.nic.id,
        privateIps: group.privateIps,
        nsgId: binding.nicNsg?.id ?? null,
        subnetNsgId: group.subnetNsg?.id ?? null,
      })),
    ),
  };
}
