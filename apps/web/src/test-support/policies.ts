import type { NsgChangeSummary, Policy, PolicyPlanResponse, PutPoliciesResponse } from "@portcullis/contract";

export const webVmId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/vm-web-01";

/** A stored policy as the BFF returns it: SSH on vm-web-01, chosen per request, 3 hours, no approval; `patch` changes any field. */
export function policyFixture(patch: Partial<Policy> = {}): Policy {
  return {
    vmId: webVmId,
    vmName: "vm-web-01",
    resourceGroup: "rg-web",
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }],
    createdAt: "2026-01-01T00:00:00.000Z",
    createdBy: "admin",
    updatedAt: "2026-01-01T00:00:00.000Z",
    updatedBy: "admin",
    version: 4,
    justificationRequired: false,
    approval: null,
    breakGlass: false,
    ...patch,
  };
}

/** The Deny rule the planner adds to nsg-web for port 22. */
export const nsgWebChange: NsgChangeSummary = {
  nsgId: "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-web/providers/Microsoft.Network/networkSecurityGroups/nsg-web",
  nsgName: "nsg-web",
  added: [{ name: "portcullis-deny-22-tcp", priority: 4000, access: "Deny", protocol: "Tcp", sources: ["*"], destinations: ["10.0.0.4"], ports: ["22"] }],
  removed: [],
  updated: [],
  renumbered: [],
};

export const planFixture: PolicyPlanResponse = { nsgs: [nsgWebChange], unchangedVmIds: [] };

export function savedFixture(policy: Policy = policyFixture()): PutPoliciesResponse {
  return { policies: [policy], nsgs: [nsgWebChange] };
}
