import { queryOptions, useQuery } from "@tanstack/react-query";
import { VmPropertiesResponseSchema, type VmPropertiesResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { policyKeys } from "./policy-keys.ts";

/** The VM's NICs, IPs and NSGs with their rules as they are in Azure now. */
export async function getVmProperties(client: ApiClient, vmId: string, signal?: AbortSignal): Promise<VmPropertiesResponse> {
  return client.get(`/vms/properties?${new URLSearchParams({ vmId }).toString()}`, VmPropertiesResponseSchema, { signal });
}

export function vmPropertiesQueryOptions(client: ApiClient, vmId: string) {
  return queryOptions({
    queryKey: policyKeys.properties(vmId),
    queryFn: ({ signal }) => getVmProperties(client, vmId, signal),
    staleTime: 0,
  });
}

export function useVmProperties(vmId: string | undefined) {
  const client = useApiClient();
  return useQuery({ ...vmPropertiesQueryOptions(client, vmId ?? ""), enabled: vmId !== undefined });
}
