import type { AccessRequest } from "@portcullis/contract";

/** An access request as the BFF returns it, for tests: a pending 1-of-2 request for SSH on vm-web-01; `patch` changes any field. */
export function accessRequestFixture(id: string, patch: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id,
    vmId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-01",
    vmName: "vm-web-01",
    resourceGroup: "rg",
    subscriptionId: "s",
    requester: { oid: "dev-oid", name: "Dana Developer", username: "dev@contoso.test" },
    ports: [{ port: 22, protocol: "TCP" }],
    sourcePrefixes: ["203.0.113.7/32"],
    durationMinutes: 60,
    justification: "deploy",
    status: "pending",
    createdAt: "2026-03-10T12:00:00Z",
    expiresAt: "2026-03-11T12:00:00Z",
    decidedAt: null,
    approval: { required: 2, remaining: 1, clockStartsAt: "approval", decisions: [] },
    canDecide: false,
    breakGlass: false,
    review: null,
    grantId: null,
    error: null,
    ...patch,
  };
}
