import { useMutation, useQueryClient } from "@tanstack/react-query";
import { RemovePoliciesResponseSchema, type RemovePoliciesBody, type RemovePoliciesResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { useOnPoliciesChanged } from "../hooks/policies-changed.tsx";
import { policyKeys } from "./policy-keys.ts";

/** Removes JIT from the VMs: their Deny rules go and renumbered rules get their old priorities back. */
export async function removePolicies(client: ApiClient, body: RemovePoliciesBody): Promise<RemovePoliciesResponse> {
  return client.post("/policies/remove", body, RemovePoliciesResponseSchema);
}

export function useRemovePolicies() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const onChanged = useOnPoliciesChanged();
  return useMutation({
    mutationFn: (body: RemovePoliciesBody) => removePolicies(client, body),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: policyKeys.all }), onChanged()]),
  });
}
