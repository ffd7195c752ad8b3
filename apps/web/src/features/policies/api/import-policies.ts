import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ImportPoliciesResponseSchema, type ImportPoliciesResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { useOnPoliciesChanged } from "../hooks/policies-changed.tsx";
import { policyKeys } from "./policy-keys.ts";

export type ImportPoliciesInput = {
  /** A Defender policy resource, or an ARM list of them, as parsed from the user's JSON. */
  document: unknown;
  /** Plan only: nothing is written. */
  dryRun: boolean;
  /** The fields the dry run listed as lost, accepted by the admin: sent as `{ document, acceptLosses }`. */
  acceptLosses?: string[];
};

export async function importPolicies(client: ApiClient, { document, dryRun, acceptLosses }: ImportPoliciesInput): Promise<ImportPoliciesResponse> {
  const body = acceptLosses === undefined || acceptLosses.length === 0 ? document : { document, acceptLosses };
  return client.post(`/policies/import?dryRun=${dryRun ? "true" : "false"}`, body, ImportPoliciesResponseSchema);
}

export function useImportPolicies() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  const onChanged = useOnPoliciesChanged();
  return useMutation({
    mutationFn: (input: ImportPoliciesInput) => importPolicies(client, input),
    onSettled: (_data, _error, input) =>
      input.dryRun ? undefined : Promise.all([queryClient.invalidateQueries({ queryKey: policyKeys.all }), onChanged()]),
  });
}
