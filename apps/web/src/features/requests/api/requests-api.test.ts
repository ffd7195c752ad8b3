import { describe, expect, it } from "vitest";
import { hashKey, partialMatchKey } from "@tanstack/react-query";
import type { AccessRequest, Grant, Policy } from "@portcullis/contract";
import { createApiClient } from "../../../lib/api-client.ts";
import { cancelAccessRequest } from "./cancel-access-request.ts";
import { createAccessRequest } from "./create-access-request.ts";
import { extendGrant } from "./extend-grant.ts";
import { getGrant, isSettling } from "./get-grant.ts";
import { getGrants } from "./get-grants.ts";
import { accessRequestsRefetchInterval, getMyAccessRequests, pendingRequestsRefetchMs } from "./get-my-access-requests.ts";
import { getMyIp } from "./get-my-ip.ts";
import { getRequestPolicy } from "./get-request-policy.ts";
import { requestKeys } from "./request-keys.ts";
import { revokeGrant } from "./revoke-grant.ts";

const vmId = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-dev-apps/providers/Microsoft.Compute/virtualMachines/vm-dev-api-03";

const grant: Grant = {
  id: "g-1",
  vmId,
  vmName: "vm-dev-api-03",
  resourceGroup: "rg-dev-apps",
  subscriptionId: "00000000-0000-0000-0000-000000000002",
  requester: { oid: "dev-oid", name: "Dana Developer" },
  ports: [{ port: 22, protocol: "TCP" }],
  sourcePrefixes: ["203.0.113.7/32"],
  justification: "deploy",
  status: "open",
  statusReason: null,
  createdAt: "2025-03-02T13:05:00Z",
  startsAt: "2025-03-02T13:05:00Z",
  endsAt: "2025-03-02T14:05:00Z",
  closedAt: null,
  error: null,
  connect: { addresses: ["10.20.2.6"], sshCommand: "ssh azureuser@10.20.2.6", rdpFile: null },
};

const policy: Policy = {
  vmId,
  vmName: "vm-dev-api-03",
  resourceGroup: "rg-dev-apps",
  subscriptionId: "00000000-0000-0000-0000-000000000002",
  ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }],
  createdAt: "2025-01-01T00:00:00.000Z",
  createdBy: "admin",
  updatedAt: "2025-01-01T00:00:00.000Z",
  updatedBy: "admin",
  version: 1,
};

const waiting: AccessRequest = {
  id: "r-1",
  vmId,
  vmName: "vm-dev-api-03",
  resourceGroup: "rg-dev-apps",
  subscriptionId: "00000000-0000-0000-0000-000000000002",
  requester: { oid: "dev-oid", name: "Dana Developer", username: "dev@contoso.test" },
  ports: [{ port: 22, protocol: "TCP" }],
  sourcePrefixes: ["203.0.113.7/32"],
  durationMinutes: 60,
  justification: "deploy",
  status: "pending",
  createdAt: "2025-03-02T13:05:00Z",
  expiresAt: "2025-03-03T13:05:00Z",
  decidedAt: null,
  approval: { required: 2, remaining: 2, clockStartsAt: "approval", decisions: [] },
  canDecide: false,
  breakGlass: false,
  review: null,
  grantId: null,
  error: null,
};

type Call = { url: string; method: string; body: unknown };

function server(status: number, answer: unknown) {
  const calls: Call[] = [];
  const client = createApiClient({
    fetch: async (url, init) => {
      calls.push({ url, method: init?.method ?? "GET", body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined });
      return new Response(JSON.stringify(answer), { status });
    },
  });
  return { client, calls };
}

type Client = ReturnType<typeof server>["client"];
const body = { vmId, ports: [{ port: 22, protocol: "TCP" as const }], sources: { kind: "my-ip" as const }, durationMinutes: 60, justification: "deploy" };

describe("requests API", () => {
  it.each<[string, number, unknown, (client: Client) => Promise<unknown>, Call]>([
    ["asks for the caller's IP", 200, { ip: "203.0.113.7" }, (c) => getMyIp(c), { url: "/api/requests/my-ip", method: "GET", body: undefined }],
    ["creates a request", 201, grant, (c) => createAccessRequest(c, body), { url: "/api/requests", method: "POST", body }],
    [
      "lists the caller's active grants",
      200,
      { items: [grant], nextCursor: null },
      (c) => getGrants(c, { scope: "mine", status: "active" }),
      { url: "/api/grants?scope=mine&status=active&pageSize=500", method: "GET", body: undefined },
    ],
    [
      "lists everyone's grants on one VM",
      200,
      { items: [], nextCursor: null },
      (c) => getGrants(c, { scope: "all", status: "all", vmId }),
      { url: `/api/grants?scope=all&status=all&vmId=${encodeURIComponent(vmId)}&pageSize=500`, method: "GET", body: undefined },
    ],
    ["reads one grant", 200, grant, (c) => getGrant(c, "g/1"), { url: "/api/grants/g%2F1", method: "GET", body: undefined }],
    ["revokes", 200, { ...grant, status: "closed", statusReason: "UserRequested" }, (c) => revokeGrant(c, "g-1"), { url: "/api/grants/g-1/revoke", method: "POST", body: {} }],
    ["extends", 200, grant, (c) => extendGrant(c, "g-1", { addMinutes: 30 }), { url: "/api/grants/g-1/extend", method: "POST", body: { addMinutes: 30 } }],
    [
      "lists the caller's access requests",
      200,
      { items: [waiting], nextCursor: null },
      (c) => getMyAccessRequests(c),
      { url: "/api/access-requests?scope=mine&status=all&pageSize=500", method: "GET", body: undefined },
    ],
    ["cancels a waiting request", 200, { ...waiting, status: "cancelled" }, (c) => cancelAccessRequest(c, "r/1"), { url: "/api/access-requests/r%2F1/cancel", method: "POST", body: {} }],
  ])("%s", async (_case, status, answer, send, expected) => {
    const { client, calls } = server(status, answer);
    await send(client);
    expect(calls).toEqual([expected]);
  });

  it("reads the VM's policy with whether it requires a justification", async () => {
    const required = server(200, { ...policy, justificationRequired: true });
    await expect(getRequestPolicy(required.client, vmId)).resolves.toMatchObject({ ports: policy.ports, justificationRequired: true });
    expect(required.calls[0]?.url).toBe(`/api/policies/vm?vmId=${encodeURIComponent(vmId)}`);

    const unsaid = server(200, policy);
    await expect(getRequestPolicy(unsaid.client, vmId)).resolves.toMatchObject({ justificationRequired: false });

    const missing = server(404, { error: { code: "NotFound", message: "no policy" } });
    await expect(getRequestPolicy(missing.client, vmId)).resolves.toBeNull();
  });

  it("when the ports opened (201), then the blade gets the grant to show how to connect", async () => {
    const opened = server(201, grant);
    await expect(createAccessRequest(opened.client, body)).resolves.toEqual({ kind: "grant", grant });
  });

  it("when the request waits for approval (202), then the blade gets the request, not a grant", async () => {
    const pending = server(202, waiting);
    const result = await createAccessRequest(pending.client, body);
    expect(result).toEqual({ kind: "request", request: waiting });
  });

  it("sends break-glass with the request", async () => {
    const emergency = server(201, { ...grant, breakGlass: true, requestId: "r-9" });
    const result = await createAccessRequest(emergency.client, { ...body, breakGlass: true });
    expect(emergency.calls[0]?.body).toMatchObject({ breakGlass: true });
    expect(result).toMatchObject({ kind: "grant", grant: { breakGlass: true } });
  });

  it("reads the caller's requests every 10 s while one waits, and not otherwise", () => {
    expect(accessRequestsRefetchInterval({ items: [waiting] })).toBe(pendingRequestsRefetchMs);
    expect(pendingRequestsRefetchMs).toBe(10_000);
    expect(accessRequestsRefetchInterval({ items: [{ ...waiting, status: "opened" }] })).toBe(false);
    expect(accessRequestsRefetchInterval(undefined)).toBe(false);
  });

  it("refuses a grant that is not the contract's shape", async () => {
    const wrong = server(201, { id: "g-1" });
    await expect(createAccessRequest(wrong.client, body)).rejects.toMatchObject({ code: "UnexpectedResponse" });
  });

  it("reads a grant again only while its rules are still being written or deleted", () => {
    expect(isSettling({ status: "opening" })).toBe(true);
    expect(isSettling({ status: "closing" })).toBe(true);
    expect(isSettling({ status: "open" })).toBe(false);
    expect(isSettling(undefined)).toBe(false);
  });
});

describe("requestKeys", () => {
  it("puts every grant query under the key a change invalidates, and the IP and policy outside it", () => {
    for (const key of [requestKeys.grantList({ scope: "mine", status: "active" }), requestKeys.grantList({ scope: "all", status: "recent", vmId }), requestKeys.grant("g-1")]) {
      expect(partialMatchKey(key, requestKeys.grants())).toBe(true);
      expect(partialMatchKey(key, requestKeys.all)).toBe(true);
    }
    expect(partialMatchKey(requestKeys.myIp(), requestKeys.grants())).toBe(false);
    expect(partialMatchKey(requestKeys.policy(vmId), requestKeys.grants())).toBe(false);
    expect(partialMatchKey(requestKeys.grants(), ["inventory"])).toBe(false);
    expect(partialMatchKey(requestKeys.grants(), ["policies"])).toBe(false);
    // A new request or a cancel refreshes the caller's access requests, which sit outside the grants.
    expect(partialMatchKey(requestKeys.myAccessRequests(), requestKeys.accessRequests())).toBe(true);
    expect(partialMatchKey(requestKeys.myAccessRequests(), requestKeys.grants())).toBe(false);
  });

  it("gives one VM one key whatever the letter case of its id", () => {
    expect(hashKey(requestKeys.policy(vmId.toUpperCase()))).toBe(hashKey(requestKeys.policy(vmId)));
    expect(hashKey(requestKeys.grantList({ scope: "all", status: "all", vmId: vmId.toUpperCase() }))).toBe(
      hashKey(requestKeys.grantList({ scope: "all", status: "all", vmId })),
    );
  });

  it("keeps mine and everyone's, active and recent apart", () => {
    const keys = (["mine", "all"] as const).flatMap((scope) => (["active", "recent"] as const).map((status) => hashKey(requestKeys.grantList({ scope, status }))));
    expect(new Set(keys).size).toBe(4);
  });
});
