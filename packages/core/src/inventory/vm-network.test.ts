import { describe, expect, it } from "vitest";
import { nic, snapshot, subnet, vm, vnetId } from "../test-support/snapshot.ts";
import { NetworkResolver } from "./vm-network.ts";

describe("NetworkResolver", () => {
  it("when the VNet was read, then its address space defines VirtualNetwork", () => {
    const snet = subnet("vnet-app", "snet-app");
    const resolver = new NetworkResolver(snapshot({ vms: [], nics: [], subnets: [snet], nsgs: [], vnets: [[vnetId("vnet-app").toUpperCase(), ["10.1.0.0/16"]]] }));
    expect(resolver.virtualNetworkPrefixes(snet)).toEqual(["10.1.0.0/16"]);
  });

  it("when the VNet was not read, then the subnet's own prefixes stand in for it", () => {
    const snet = subnet("vnet-app", "snet-app", { addressPrefixes: ["10.1.0.0/24", "2001:db8:1::/64"] });
    const resolver = new NetworkResolver(snapshot({ vms: [], nics: [], subnets: [snet], nsgs: [], vnets: [] }));
    expect(resolver.virtualNetworkPrefixes(snet)).toEqual(["10.1.0.0/24", "2001:db8:1::/64"]);
  });

  it("when IPs do not fall in any of the NIC's subnets, then position pairs them with subnet ids", () => {
    const a = subnet("vnet-app", "a", { addressPrefixes: ["10.9.1.0/24"] });
    const b = subnet("vnet-app", "b", { addressPrefixes: ["10.9.2.0/24"] });
    const card = nic("n1", { privateIps: ["10.1.0.4", "10.1.0.5"], subnetIds: [a.id, b.id] });
    const resolver = new NetworkResolver(snapshot({ vms: [], nics: [card], subnets: [a, b], nsgs: [] }));
    const network = resolver.resolveVm(vm("vm1", { nicIds: [card.id] }));
    expect(network.nics[0]?.groups.map((g) => [g.subnet?.name, g.privateIps])).toEqual([
      ["a", ["10.1.0.4"]],
      ["b", ["10.1.0.5"]],
    ]);
  });

  it("when the NIC's subnet is not in the snapshot, then its IPs are grouped without a subnet", () => {
    const card = nic("n1", { subnetIds: ["/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/gone"] });
    const resolver = new NetworkResolver(snapshot({ vms: [], nics: [card], subnets: [], nsgs: [] }));
    const network = resolver.resolveVm(vm("vm1", { nicIds: [card.id] }));
    expect(network.nics[0]?.groups).toEqual([{ subnet: null, subnetNsg: null, privateIps: ["10.1.0.4"], virtualNetworkPrefixes: [] }]);
  });
});
