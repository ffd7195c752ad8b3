import { Router } from "express";
import { SUBSCRIPTIONS_API_VERSIONS, apiVersions } from "../arm/api-version.ts";
import { subscriptionResourceId } from "../arm/ids.ts";
import { pageOf } from "../arm/paging.ts";
import { param, requireSubscription } from "../arm/request-context.ts";
import type { EmulatorState } from "../state.ts";
import type { SubscriptionRecord } from "../store/types.ts";

function subscriptionJson(s: SubscriptionRecord): object {
  return {
    id: subscriptionResourceId(s.subscriptionId),
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
  };
}

export function subscriptionRoutes(state: EmulatorState): Router {
  const router = Router();
  const versions = apiVersions("subscriptions", SUBSCRIPTIONS_API_VERSIONS);
  router.get("/subscriptions", versions, (req, res) => {
    res.json(pageOf(req, state.store.subscriptions(), state.config.pageSize, subscriptionJson));
  });
  router.get("/subscriptions/:sub", versions, (req, res) => {
    res.json(subscriptionJson(requireSubscription(state.store, param(req, "sub"))));
  });
  return router;
}
