import { Router, type Request, type Response } from "express";
import { NETWORK_API_VERSIONS, apiVersions } from "../arm/api-version.ts";
import { resourceNotFound } from "../arm/errors.ts";
import { networkSecurityGroupId } from "../arm/ids.ts";
import { pageOf } from "../arm/paging.ts";
import { param, requireResourceGroup, requireSubscription } from "../arm/request-context.ts";
import { respondWithOperation } from "../lro/respond.ts";
import { type NsgAddress, type WriteResult, deleteNetworkSecurityGroup, patchNetworkSecurityGroupTags, putNetworkSecurityGroup } from "../network/nsg-writes.ts";
import { defaultSecurityRulesJson, networkSecurityGroupJson } from "../render/network.ts";
import type { EmulatorState } from "../state.ts";
import type { NetworkSecurityGroupRecord } from "../store/types.ts";

const NSGS = "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.Network/networkSecurityGroups";

export function nsgAddress(req: Request): NsgAddress {
  return { subscriptionId: param(req, "sub"), resourceGroup: param(req, "rg"), nsgName: param(req, "nsg") };
}

export function sendWriteResult(req: Request, res: Response, result: WriteResult): void {
  if (result.operation) respondWithOperation(req, res, result.status, result.body, result.operation);
  else res.status(result.status).end();
}

/** The NSG addressed by the request, or ARM's 404s (subscription, resource group, NSG). */
export function requireNsg(state: EmulatorState, req: Request): NetworkSecurityGroupRecord {
  const a = nsgAddress(req);
  const group = requireResourceGroup(state.store, a.subscriptionId, a.resourceGroup);
  const nsg = state.store.networkSecurityGroup(networkSecurityGroupId(group.subscriptionId, group.name, a.nsgName));
  if (!nsg) throw resourceNotFound("Microsoft.Network/networkSecurityGroups", a.nsgName, group.name);
  return nsg;
}

export function networkSecurityGroupRoutes(state: EmulatorState): Router {
  const router = Router();
  const versions = apiVersions("networkSecurityGroups", NETWORK_API_VERSIONS);
  const { store } = state;
  const render = (nsg: NetworkSecurityGroupRecord): object => networkSecurityGroupJson(store, nsg);

  router.get("/subscriptions/:sub/providers/Microsoft.Network/networkSecurityGroups", versions, (req, res) => {
    const sub = requireSubscription(store, param(req, "sub"));
    res.json(pageOf(req, store.listNetworkSecurityGroups(sub.subscriptionId), state.config.pageSize, render));
  });
  router.get(NSGS, versions, (req, res) => {
    const group = requireResourceGroup(store, param(req, "sub"), param(req, "rg"));
    res.json(pageOf(req, store.listNetworkSecurityGroups(group.subscriptionId, group.name), state.config.pageSize, render));
  });
  router.get(`${NSGS}/:nsg`, versions, (req, res) => {
    res.json(render(requireNsg(state, req)));
  });
  router.put(`${NSGS}/:nsg`, versions, (req, res) => {
    sendWriteResult(req, res, putNetworkSecurityGroup(state, req, nsgAddress(req)));
  });
  router.patch(`${NSGS}/:nsg`, versions, (req, res) => {
    res.status(200).json(patchNetworkSecurityGroupTags(state, req, nsgAddress(req)));
  });
  router.delete(`${NSGS}/:nsg`, versions, (req, res) => {
    sendWriteResult(req, res, deleteNetworkSecurityGroup(state, req, nsgAddress(req)));
  });
  router.get(`${NSGS}/:nsg/defaultSecurityRules`, versions, (req, res) => {
    res.json(pageOf(req, defaultSecurityRulesJson(requireNsg(state, req)), state.config.pageSize, (r) => r));
  });
  router.get(`${NSGS}/:nsg/defaultSecurityRules/:rule`, versions, (req, res) => {
    const nsg = requireNsg(state, req);
    const name = param(req, "rule").toLowerCase();
    const rule = defaultSecurityRulesJson(nsg).find((r) => (r as { name: string }).name.toLowerCase() === name);
    if (!rule) throw resourceNotFound(`Microsoft.Network/networkSecurityGroups/${nsg.name}/defaultSecurityRules`, param(req, "rule"), nsg.resourceGroup);
    res.json(rule);
  });
  return router;
}
