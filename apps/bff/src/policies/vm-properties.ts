import type { VmPropertiesResponse } from "@portcullis/contract";
import { armIdKey } from "@portcullis/core";
import type { Nsg } from "@portcullis/core";
import type { ArmClients } from "../lib/azure/clients.ts";
import { ArmNotFoundError, readNsg, readVmNetwork } from "../lib/azure/nsg-read.ts";
import { isJitRule, toPlannedRule, toPolicy } from "./policy-mapping.ts";
import type { PolicyRepository } from "./repository.ts";
import { policyOperationError } from "./errors.ts";

type NsgEntry = VmPropertiesResponse["nsgs"][number];

function rulesOf(nsg: Nsg): NsgEntry["rules"] {
  return [...nsg.rules]
    .sort((a, b) => (a.direction === b.direction ? a.priority - b.priority : a.direction === "Inbound" ? -1 : 1))
    .map((rule) => ({ ...toPlannedRule(rule), direction: rule.direction, jit: isJitRule(rule.name) }));
}

/** The Properties blade: the VM's NICs, IPs and NSGs with their rules as ARM holds them now, and its policy. */
export async function readVmProperties(arm: ArmClients, repository: PolicyRepository, vmId: string): Promise<VmPropertiesResponse> {
  try {
    const [read, record] = await Promise.all([readVmNetwork(arm, vmId), repository.get(vmId)]);
    const nsgIds = [...new Map(read.network.nsgs.map((a) => [armIdKey(a.id), a.id])).values()];
    const nsgs = new Map<string, Nsg>();
    await Promise.all(
      nsgIds.map(async (id) => {
        try {
          nsgs.set(armIdKey(id), (await readNsg(arm, id)).nsg);
        } catch (error) {
          // Deleted between reading the NIC and the NSG: shown without rules rather than failing the page.
          if (!(error instanceof ArmNotFoundError)) throw error;
        }
      }),
    );
    const seen = new Set<string>();
    const entries: NsgEntry[] = [];
    for (const attachment of read.network.nsgs) {
      const key = `${armIdKey(attachment.id)}|${attachment.attachment}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const nsg = nsgs.get(armIdKey(attachment.id));
      entries.push({ id: attachment.id, name: attachment.name, attachment: attachment.attachment, rules: nsg === undefined ? [] : rulesOf(nsg) });
    }
    return {
      vm: { id: read.vm.id, name: read.vm.name, resourceGroup: read.vm.resourceGroup, subscriptionId: read.vm.subscriptionId, osType: read.vm.osType, location: read.vm.location },
      nics: read.nics.map((nic) => ({ id: nic.id, name: nic.name, privateIps: nic.privateIps, subnetId: nic.subnetIds[0] ?? null, nsgId: nic.nsgId })),
      nsgs: entries,
      policy: record === null ? null : toPolicy(record),
    };
  } catch (error) {
    throw policyOperationError(error);
  }
}
