import { queryOptions, useQuery } from "@tanstack/react-query";
import { PolicySchema, type Policy } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { ApiError } from "../../../lib/api-error.ts";
import { policyKeys } from "./policy-keys.ts";

/** The VM's policy; null when it has none (404). */
export async function getVmPolicy(client: ApiClient, vmId: string, signal?: AbortSignal): Promise<Policy | null> {
  try {
    return await client.get(`/policies/vm?${new URLSearchParams({ vmId }).toString()}`, PolicySchema, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function vmPolicyQueryOptions(client: ApiClient, vmId: string) {
  return queryOptions({
    queryKey: policyKeys.vm(vmId),
    queryFn: ({ signal }) => getVmPolicy(client, vmId, signal),
    // An edit starts from the stored rules and version as they are now.
    staleTime: 0,
  });
}

export function useVmPolicy(vmId: string | undefined) {
  const client = useApiClient();
  return useQuery({ ...vmPolicyQueryOptions(client, vmId ?? ""), enabled: vmId !== undefined });
}
