import type { ListVmsResponse, PutPoliciesBody } from "@portcullis/contract";
import { timedGetJson } from "./timed-get.ts";

/** The API takes at most 200 VMs per PUT; 100 keeps each request short. */
const batchSize = 100;
const sshPolicy: PutPoliciesBody["ports"] = [{ port: 22, protocol: "TCP", allowedSources: { kind: "per-request" }, maxRequestDuration: "PT3H" }];

/** Puts the SSH policy (port 22, source per request, 3 hours) on the VMs through `PUT /api/policies`, in batches. */
export async function putSshPolicy(bffUrl: string, token: string, vmIds: readonly string[]): Promise<void> {
  for (let start = 0; start < vmIds.length; start += batchSize) {
    const body: PutPoliciesBody = { vmIds: vmIds.slice(start, start + batchSize), ports: sshPolicy };
    const response = await fetch(`${bffUrl}/api/policies`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`PUT /api/policies answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    await response.arrayBuffer();
  }
}

/**
 * Enables a JIT policy (port 22, source per request, 3 hours) on the first `count` VMs of the Recommended tab
 * through `PUT /api/policies`, so the Configured tab has rows. Returns the Configured count afterwards.
 */
export async function enableJitOnRecommended(bffUrl: string, token: string, count: number): Promise<number> {
  const page = await timedGetJson<ListVmsResponse>(`${bffUrl}/api/inventory/vms?tab=recommended&pageSize=${count}`, token);
  const vmIds = page.body.items.map((vm) => vm.id);
  if (vmIds.length < count) throw new Error(`only ${vmIds.length} Recommended VMs to enable JIT on, not ${count}`);
  await putSshPolicy(bffUrl, token, vmIds);
  const after = await timedGetJson<ListVmsResponse>(`${bffUrl}/api/inventory/vms?tab=configured&pageSize=1`, token);
  if (after.body.counts.configured < count) throw new Error(`Configured holds ${after.body.counts.configured} VMs after enabling ${count}`);
  return after.body.counts.configured;
}
