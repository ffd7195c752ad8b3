import { describe, expect, it } from "vitest";
import { hashKey, partialMatchKey } from "@tanstack/react-query";
import type { Policy, PutPoliciesBody } from "@portcullis/contract";
import { createApiClient } from "../../../lib/api-client.ts";
import { exportPolicies } from "./export-policies.ts";
import { getPolicies, indexPolicies } from "./get-policies.ts";
import { getVmPolicy } from "./get-vm-policy.ts";
import { importPolicies } from "./import-policies.ts";
import { policyKeys } from "./policy-keys.ts";
import { previewPolicies } from "./preview-policies.ts";
import { putPolicies } from "./put-policies.ts";
import { removePolicies } from "./remove-policies.ts";

const vmId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-dev/providers/Microsoft.Compute/virtualMachines/vm-dev-01";

const policy: Policy = {
  vmId,
  vmName: "vm-dev-01",
  resourceGroup: "rg-dev",
  subscriptionId: "00000000-0000-0000-0000-000000000001",
  ports: [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }],
  createdAt: "2025-01-01T00:00:00.000Z",
  createdBy: "admin",
  updatedAt: "2025-01-01T00:00:00.000Z",
  updatedBy: "admin",
  version: 1,
};

const body: PutPoliciesBody = { vmIds: [vmId], ports: policy.ports };
const plan = { nsgs: [], unchangedVmIds: [] };
const defender = { kind: "Basic", location: "westeurope", properties: { virtualMachines: [{ id: vmId, ports: [{ number: 22, protocol: "TCP", allowedSourceAddressPrefix: "*", maxRequestAccessDuration: "PT3H" }] }], extra: "kept" } };

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

describe("policies API", () => {
  it.each([
    ["lists policies", () => server(200, { items: [policy] }), (c: ReturnType<typeof server>["client"]) => getPolicies(c), { url: "/api/policies", method: "GET", body: undefined }],
    ["previews", () => server(200, plan), (c: ReturnType<typeof server>["client"]) => previewPolicies(c, body), { url: "/api/policies/preview", method: "POST", body }],
    [
      "saves with PUT",
      () => server(200, { policies: [policy], nsgs: [] }),
      (c: ReturnType<typeof server>["client"]) => putPolicies(c, { ...body, expectedVersions: { [vmId.toLowerCase()]: 1 } }),
      { url: "/api/policies", method: "PUT", body: { ...body, expectedVersions: { [vmId.toLowerCase()]: 1 } } },
    ],
    ["removes", () => server(200, { removedVmIds: [vmId], nsgs: [] }), (c: ReturnType<typeof server>["client"]) => removePolicies(c, { vmIds: [vmId] }), { url: "/api/policies/remove", method: "POST", body: { vmIds: [vmId] } }],
    [
      "imports as a dry run",
      () => server(200, { dryRun: true, policies: [], nsgs: [], historicalRequests: 0, losses: [] }),
      (c: ReturnType<typeof server>["client"]) => importPolicies(c, { document: defender, dryRun: true }),
      { url: "/api/policies/import?dryRun=true", method: "POST", body: defender },
    ],
    [
      "imports for real",
      () => server(200, { dryRun: false, policies: [], nsgs: [], historicalRequests: 0, losses: [] }),
      (c: ReturnType<typeof server>["client"]) => importPolicies(c, { document: defender, dryRun: false }),
      { url: "/api/policies/import?dryRun=false", method: "POST", body: defender },
    ],
    [
      "imports for real, accepting the listed losses",
      () => server(200, { dryRun: false, policies: [], nsgs: [], historicalRequests: 0, losses: [{ field: "properties.extra", value: '"kept"' }] }),
      (c: ReturnType<typeof server>["client"]) => importPolicies(c, { document: defender, dryRun: false, acceptLosses: ["properties.extra"] }),
      { url: "/api/policies/import?dryRun=false", method: "POST", body: { document: defender, acceptLosses: ["properties.extra"] } },
    ],
  ])("%s", async (_case, make, send, expected) => {
    const { client, calls } = make();
    await send(client);
    expect(calls).toEqual([expected]);
  });

  it("asks for one VM's policy by its id, and a 404 means it has none", async () => {
    const found = server(200, policy);
    await expect(getVmPolicy(found.client, vmId)).resolves.toEqual(policy);
    expect(found.calls[0]?.url).toBe(`/api/policies/vm?vmId=${encodeURIComponent(vmId)}`);

    const missing = server(404, { error: { code: "NotFound", message: "no policy" } });
    await expect(getVmPolicy(missing.client, vmId)).resolves.toBeNull();
  });

  it("exports the Defender document exactly as the server wrote it, all or one VM", async () => {
    const all = server(200, { value: [defender] });
    await expect(exportPolicies(all.client)).resolves.toEqual({ value: [defender] });
    expect(all.calls[0]?.url).toBe("/api/policies/export");

    const one = server(200, { value: [defender] });
    await exportPolicies(one.client, vmId);
    expect(one.calls[0]?.url).toBe(`/api/policies/export?vmId=${encodeURIComponent(vmId)}`);
  });

  it("refuses an export that is not a Defender policy", async () => {
    const wrong = server(200, { items: [] });
    await expect(exportPolicies(wrong.client)).rejects.toMatchObject({ code: "UnexpectedResponse" });
  });

  it("joins policies to inventory rows by VM id whatever its letter case", async () => {
    const stored = { ...policy, vmId: vmId.replace("resourceGroups/rg-dev", "resourceGroups/RG-DEV") };
    const { client } = server(200, { items: [stored] });
    const byVm = indexPolicies(await getPolicies(client));
    expect(byVm.get(vmId.toLowerCase())).toEqual(stored);
  });
});

describe("policyKeys", () => {
  it("puts every policies query under the key a change invalidates, and none under the inventory's", () => {
    for (const key of [policyKeys.list(), policyKeys.vm(vmId), policyKeys.preview(body), policyKeys.properties(vmId)]) {
      expect(partialMatchKey(key, policyKeys.all)).toBe(true);
      expect(partialMatchKey(key, ["inventory"])).toBe(false);
    }
  });

  it("gives one VM one key whatever the letter case of its id", () => {
    expect(hashKey(policyKeys.vm(vmId.toUpperCase()))).toBe(hashKey(policyKeys.vm(vmId)));
  });

  it("gives each form state its own preview", () => {
    const other: PutPoliciesBody = { ...body, ports: [{ ...body.ports[0]!, maxRequestDuration: "PT1H" }] };
    expect(hashKey(policyKeys.preview(other))).not.toBe(hashKey(policyKeys.preview(body)));
  });
});
