import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { PolicyPlanResponseSchema, type PolicyPlanResponse, type PutPoliciesBody } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { policyKeys } from "./policy-keys.ts";

/** What saving `body` would do to each NSG, planned by the server without writing anything. */
export async function previewPolicies(client: ApiClient, body: PutPoliciesBody, signal?: AbortSignal): Promise<PolicyPlanResponse> {
  return client.post("/policies/preview", body, PolicyPlanResponseSchema, { signal });
}

export function previewQueryOptions(client: ApiClient, body: PutPoliciesBody) {
  return queryOptions({
    queryKey: policyKeys.preview(body),
    queryFn: ({ signal }) => previewPolicies(client, body, signal),
    // The plan depends on the NSGs as they are now; an old one must not be shown as current.
    staleTime: 0,
    // The previous plan stays on screen (dimmed) while the next one is computed.
    placeholderData: keepPreviousData,
  });
}

/** The preview of `body`; idle while the form is invalid (`undefined`). */
export function usePolicyPreview(body: PutPoliciesBody | undefined) {
  const client = useApiClient();
  return useQuery({
    ...previewQueryOptions(client, body ?? { vmIds: [], ports: [] }),
    enabled: body !== undefined,
  });
}
