import { queryOptions, useQuery } from "@tanstack/react-query";
import { MyIpResponseSchema, type MyIpResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { requestKeys } from "./request-keys.ts";

/** The caller's address as the server sees it (through its trusted proxies); null when it cannot tell. */
export async function getMyIp(client: ApiClient, signal?: AbortSignal): Promise<MyIpResponse> {
  return client.get("/requests/my-ip", MyIpResponseSchema, { signal });
}

export function myIpQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: requestKeys.myIp(),
    queryFn: ({ signal }) => getMyIp(client, signal),
    // The address changes with the network the user is on (VPN, office, home), so read it per blade.
    staleTime: 0,
  });
}

export function useMyIp(enabled = true) {
  return useQuery({ ...myIpQueryOptions(useApiClient()), enabled });
}
