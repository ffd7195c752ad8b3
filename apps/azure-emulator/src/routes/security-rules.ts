import { Router } from "express";
import { NETWORK_API_VERSIONS, apiVersions } from "../arm/api-version.ts";
import { resourceNotFound } from "../arm/errors.ts";
import { pageOf } from "../arm/paging.ts";
import { param } from "../arm/request-context.ts";
import { deleteSecurityRule, putSecurityRule } from "../network/nsg-writes.ts";
import { securityRuleJson } from "../render/network.ts";
import type { EmulatorState } from "../state.ts";
import { nsgAddress, requireNsg, sendWriteResult } from "./nsgs.ts";

const RULES = "/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.Network/networkSecurityGroups/:nsg/securityRules";

export function securityRuleRoutes(state: EmulatorState): Router {
  const router = Router();
  const versions = apiVersions("networkSecurityGroups/securityRules", NETWORK_API_VERSIONS);

  router.get(RULES, versions, (req, res) => {
    const nsg = requireNsg(state, req);
    res.json(pageOf(req, nsg.rules, state.config.pageSize, (r) => securityRuleJson(nsg, r.name)));
  });
  router.get(`${RULES}/:rule`, versions, (req, res) => {
    const nsg = requireNsg(state, req);
    const rule = securityRuleJson(nsg, param(req, "rule"));
    if (!rule) throw resourceNotFound(`Microsoft.Network/networkSecurityGroups/${nsg.name}/securityRules`, param(req, "rule"), nsg.resourceGroup);
    res.json(rule);
  });
  router.put(`${RULES}/:rule`, versions, (req, res) => {
    sendWriteResult(req, res, putSecurityRule(state, req, nsgAddress(req), param(req, "rule")));
  });
  router.delete(`${RULES}/:rule`, versions, (req, res) => {
    sendWriteResult(req, res, deleteSecurityRule(state, req, nsgAddress(req), param(req, "rule")));
  });
  return router;
}
