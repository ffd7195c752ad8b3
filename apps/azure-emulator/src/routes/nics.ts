import { randomUUID } from "node:crypto";
import { Router } from "express";
import ipaddr from "ipaddr.js";
import { NETWORK_API_VERSIONS, apiVersions } from "../arm/api-version.ts";
import { ArmError, resourceNotFound } from "../arm/errors.ts";
import { idKey, networkInterfaceId, vnetIdOfSubnet } from "../arm/ids.ts";
import { param, requireResourceGroup } from "../arm/request-context.ts";
import { networkInterfaceJson } from "../render/network.ts";
import type { EmulatorState } from "../state.ts";
import type { IpConfigurationRecord, NetworkInterfaceRecord } from "../store/types.ts";

const NICS = "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.Network/networkInterfaces";

interface NicBody {
  properties?: {
    networkSecurityGroup?: { id?: unknown } | null;
    ipConfigurations?: Array<{ name?: unknown; properties?: { subnet?: { id?: unknown }; privateIPAddress?: unknown } }>;
  };
}

const invalidReference = (message: string): ArmError => new ArmError(400, "InvalidResourceReference", message);

/** The addresses IP configurations hold in a subnet (other NICs', and those given out by this request so far). */
function takenIn(state: EmulatorState, subnetId: string, nicId: string): Set<string> {
  return new Set(
    state.store.data.networkInterfaces
      .filter((nic) => idKey(nic.id) !== idKey(nicId))
      .flatMap((nic) => nic.ipConfigurations.filter((c) => idKey(c.subnetId) === idKey(subnetId)).map((c) => c.privateIPAddress)),
  );
}

/** An address of `prefix` that nothing in `taken` holds (Azure keeps the first four and the last). */
function freeAddress(taken: Set<string>, subnetId: string, prefix: string): string {
  const [network, bits] = ipaddr.IPv4.parseCIDR(prefix);
  const base = network.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
  for (let offset = 4; offset < 2 ** (32 - bits) - 1; offset++) {
    const n = base + offset;
    const address = [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
    if (!taken.has(address)) return address;
  }
  throw new ArmError(400, "SubnetIsFull", `Subnet ${subnetId} has no free address.`);
}

/**
 * PUT of an existing network interface, as a VM's network is changed in Azure: its NSG attached, replaced or
 * detached (`properties.networkSecurityGroup` present or absent), and its IP configurations moved to another subnet
 * of the same virtual network (the address given in the body when it is free and in the subnet's IPv4 prefix, else
 * the next free one). Answered 200 with the NIC, as ARM does when the update is done. The emulator creates no NICs
 * (a PUT to one it does not hold is a 404) and moves IPv4 configurations only.
 */
export function networkInterfaceRoutes(state: EmulatorState): Router {
  const router = Router();
  const versions = apiVersions("networkInterfaces", NETWORK_API_VERSIONS);
  const { store } = state;

  router.put(`${NICS}/:nic`, versions, (req, res) => {
    const group = requireResourceGroup(store, param(req, "sub"), param(req, "rg"));
    const existing = store.networkInterface(networkInterfaceId(group.subscriptionId, group.name, param(req, "nic")));
    if (!existing) throw resourceNotFound("Microsoft.Network/networkInterfaces", param(req, "nic"), group.name);
    const body = (req.body ?? {}) as NicBody;
    const nsgRef = body.properties?.networkSecurityGroup?.id;
    if (nsgRef !== undefined && (typeof nsgRef !== "string" || !store.networkSecurityGroup(nsgRef))) {
      throw invalidReference(`Resource ${String(nsgRef)} referenced by resource ${existing.id} was not found.`);
    }
    const vnetId = idKey(vnetIdOfSubnet(existing.ipConfigurations[0]?.subnetId ?? ""));
    const takenBySubnet = new Map<string, Set<string>>();
    const ipConfigurations = existing.ipConfigurations.map((config): IpConfigurationRecord => {
      const given = body.properties?.ipConfigurations?.find((c) => typeof c.name === "string" && c.name.toLowerCase() === config.name.toLowerCase());
      const subnetRef = given?.properties?.subnet?.id;
      if (subnetRef === undefined || idKey(String(subnetRef)) === idKey(config.subnetId)) return config;
      const subnet = typeof subnetRef === "string" ? store.subnet(subnetRef) : undefined;
      if (!subnet) throw invalidReference(`Resource ${String(subnetRef)} referenced by resource ${existing.id} was not found.`);
      if (idKey(vnetIdOfSubnet(subnet.id)) !== vnetId) {
        throw new ArmError(400, "NicCannotBeMovedToAnotherVirtualNetwork", `Network interface ${existing.id} cannot move to subnet ${subnet.id} of another virtual network.`);
      }
      if (config.version !== "IPv4") throw new ArmError(400, "InvalidRequestFormat", `The emulator moves IPv4 configurations only; ${config.name} is ${config.version}.`);
      const prefix = subnet.addressPrefixes.find((p) => ipaddr.IPv4.isValidCIDR(p));
      if (prefix === undefined) throw new ArmError(400, "InvalidRequestFormat", `Subnet ${subnet.id} has no IPv4 prefix for IP configuration ${config.name}.`);
      const key = idKey(subnet.id);
      const taken = takenBySubnet.get(key) ?? takenIn(state, subnet.id, existing.id);
      takenBySubnet.set(key, taken);
      const asked = given?.properties?.privateIPAddress;
      const address =
        typeof asked === "string" && ipaddr.IPv4.isValidFourPartDecimal(asked) && ipaddr.IPv4.parse(asked).match(ipaddr.IPv4.parseCIDR(prefix)) && !taken.has(asked)
          ? asked
          : freeAddress(taken, subnet.id, prefix);
      taken.add(address);
      return { ...config, subnetId: subnet.id, privateIPAddress: address };
    });
    const updated: NetworkInterfaceRecord = { ...existing, nsgId: typeof nsgRef === "string" ? (store.networkSecurityGroup(nsgRef)?.id ?? null) : null, ipConfigurations, etag: `W/"${randomUUID()}"` };
    store.replaceNetworkInterface(updated);
    state.saver.schedule();
    res.status(200).json(networkInterfaceJson(store, updated));
  });
  return router;
}
