import { queryOptions, useQuery } from "@tanstack/react-query";
import { ListPoliciesResponseSchema, type ListPoliciesResponse, type Policy } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { policyKeys } from "./policy-keys.ts";

export async function getPolicies(client: ApiClient, signal?: AbortSignal): Promise<ListPoliciesResponse> {
  return client.get("/policies", ListPoliciesResponseSchema, { signal });
}

/** Policies by lower-case VM id: the inventory and the policy store may spell an ARM id differently. */
export type PoliciesByVm = ReadonlyMap<string, Policy>;

export function indexPolicies(response: ListPoliciesResponse): PoliciesByVm {
  return new Map(response.items.map((policy) => [policy.vmId.toLowerCase(), policy]));
}

export function policiesQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: policyKeys.list(),
    queryFn: ({ signal }) => getPolicies(client, signal),
    select: indexPolicies,
    // Rows of the Configured tab come from the inventory: when they mount (another page, filter or tab),
    // the list is read again so a policy changed elsewhere is not missing from them.
    staleTime: 0,
  });
}

/** Every policy the caller may read, fetched once however many rows ask. */
export function usePolicies() {
  return useQuery(policiesQueryOptions(useApiClient()));
}
