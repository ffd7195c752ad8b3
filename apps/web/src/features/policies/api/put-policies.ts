import { useMutation, useQueryClient } from "@tanstack/react-query";
import { PutPoliciesResponseSchema, type PutPoliciesBody, type PutPoliciesResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { useOnPoliciesChanged } from "../hooks/policies-changed.tsx";
import { policyKeys } from "./policy-keys.ts";

/** Enables JIT on the VMs, or replaces their rules (edit): one NSG write per NSG on the server. */
export async function putPolicies(client: ApiClient, body: PutPoliciesBody): Promise<PutPoliciesResponse> {
  return client.put("/policies", body, PutPoliciesResponseSchema);
}

export function useSavePolicies() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const onChanged = useOnPoliciesChanged();
  return useMutation({
    mutationFn: (body: PutPoliciesBody) => putPolicies(client, body),
    // Also after a failure: some NSGs may have been written before another one refused.
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: policyKeys.all }), onChanged()]),
  });
}
