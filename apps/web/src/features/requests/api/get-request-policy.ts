import { queryOptions, useQuery } from "@tanstack/react-query";
import { PolicySchema, type Policy } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { ApiError } from "../../../lib/api-error.ts";
import { requestKeys } from "./request-keys.ts";

/** The policy a request must fit; `justificationRequired` absent (an older server) means not required. */
export type RequestPolicy = Policy & { justificationRequired: boolean };

/** The VM's JIT policy; null when it has none (404). */
export async function getRequestPolicy(client: ApiClient, vmId: string, signal?: AbortSignal): Promise<RequestPolicy | null> {
  try {
    const policy = await client.get(`/policies/vm?${new URLSearchParams({ vmId }).toString()}`, PolicySchema, { signal });
    return { ...policy, justificationRequired: policy.justificationRequired === true };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function requestPolicyQueryOptions(client: ApiClient, vmId: string) {
  return queryOptions({
    queryKey: requestKeys.policy(vmId),
    queryFn: ({ signal }) => getRequestPolicy(client, vmId, signal),
    // A request is checked against the policy as it is now; an admin may just have changed it.
    staleTime: 0,
  });
}

export function useRequestPolicy(vmId: string | undefined) {
  const client = useApiClient();
  return useQuery({ ...requestPolicyQueryOptions(client, vmId ?? ""), enabled: vmId !== undefined });
}
