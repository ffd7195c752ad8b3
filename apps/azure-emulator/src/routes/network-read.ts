import { Router } from "express";
import { NETWORK_API_VERSIONS, apiVersions } from "../arm/api-version.ts";
import { resourceNotFound } from "../arm/errors.ts";
import { networkInterfaceId, virtualNetworkId } from "../arm/ids.ts";
import { pageOf } from "../arm/paging.ts";
import { param, requireResourceGroup, requireSubscription } from "../arm/request-context.ts";
import { networkInterfaceJson, subnetJson, virtualNetworkJson } from "../render/network.ts";
import type { EmulatorState } from "../state.ts";
import type { NetworkInterfaceRecord, VirtualNetworkRecord } from "../store/types.ts";

const RG = "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.Network";

/** Read-only network resources: network interfaces, virtual networks and their subnets. */
export function networkReadRoutes(state: EmulatorState): Router {
  const router = Router();
  const { store } = state;
  const nicVersions = apiVersions("networkInterfaces", NETWORK_API_VERSIONS);
  const vnetVersions = apiVersions("virtualNetworks", NETWORK_API_VERSIONS);
  const renderNic = (nic: NetworkInterfaceRecord): object => networkInterfaceJson(store, nic);
  const renderVnet = (vnet: VirtualNetworkRecord): object => virtualNetworkJson(store, vnet);

  router.get("/subscriptions/:sub/providers/Microsoft.Network/networkInterfaces", nicVersions, (req, res) => {
    const sub = requireSubscription(store, param(req, "sub"));
    res.json(pageOf(req, store.listNetworkInterfaces(sub.subscriptionId), state.config.pageSize, renderNic));
  });
  router.get(`${RG}/networkInterfaces`, nicVersions, (req, res) => {
    const group = requireResourceGroup(store, param(req, "sub"), param(req, "rg"));
    res.json(pageOf(req, store.listNetworkInterfaces(group.subscriptionId, group.name), state.config.pageSize, renderNic));
  });
  router.get(`${RG}/networkInterfaces/:nic`, nicVersions, (req, res) => {
    const group = requireResourceGroup(store, param(req, "sub"), param(req, "rg"));
    const nic = store.networkInterface(networkInterfaceId(group.subscriptionId, group.name, param(req, "nic")));
    if (!nic) throw resourceNotFound("Microsoft.Network/networkInterfaces", param(req, "nic"), group.name);
    res.json(renderNic(nic));
  });

  router.get("/subscriptions/:sub/providers/Microsoft.Network/virtualNetworks", vnetVersions, (req, res) => {
    const sub = requireSubscription(store, param(req, "sub"));
    res.json(pageOf(req, store.listVirtualNetworks(sub.subscriptionId), state.config.pageSize, renderVnet));
  });
  router.get(`${RG}/virtualNetworks`, vnetVersions, (req, res) => {
    const group = requireResourceGroup(store, param(req, "sub"), param(req, "rg"));
    res.json(pageOf(req, store.listVirtualNetworks(group.subscriptionId, group.name), state.config.pageSize, renderVnet));
  });
  const requireVnet = (sub: string, rg: string, name: string): VirtualNetworkRecord => {
    const group = requireResourceGroup(store, sub, rg);
    const vnet = store.virtualNetwork(virtualNetworkId(group.subscriptionId, group.name, name));
    if (!vnet) throw resourceNotFound("Microsoft.Network/virtualNetworks", name, group.name);
    return vnet;
  };
  router.get(`${RG}/virtualNetworks/:vnet`, vnetVersions, (req, res) => {
    res.json(renderVnet(requireVnet(param(req, "sub"), param(req, "rg"), param(req, "vnet"))));
  });
  router.get(`${RG}/virtualNetworks/:vnet/subnets`, vnetVersions, (req, res) => {
    const vnet = requireVnet(param(req, "sub"), param(req, "rg"), param(req, "vnet"));
    res.json(pageOf(req, vnet.subnets, state.config.pageSize, (s) => subnetJson(store, vnet, s)));
  });
  router.get(`${RG}/virtualNetworks/:vnet/subnets/:subnet`, vnetVersions, (req, res) => {
    const vnet = requireVnet(param(req, "sub"), param(req, "rg"), param(req, "vnet"));
    const name = param(req, "subnet").toLowerCase();
    const subnet = vnet.subnets.find((s) => s.name.toLowerCase() === name);
    if (!subnet) throw resourceNotFound(`Microsoft.Network/virtualNetworks/${vnet.name}/subnets`, param(req, "subnet"), vnet.resourceGroup);
    res.json(subnetJson(store, vnet, subnet));
  });
  return router;
}
