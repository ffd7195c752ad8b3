import { queryOptions, useQuery } from "@tanstack/react-query";
import { MeResponseSchema, type MeResponse } from "@portcullis/contract";
import type { ApiClient } from "../api-client.ts";
import { useApiClient } from "../api-client-context.tsx";

export const meKeys = {
  all: ["me"] as const,
};

/** Who the signed-in user is to Portcullis: tenant roles, scoped assignments and the permissions they give. */
export async function getMe(client: ApiClient, signal?: AbortSignal): Promise<MeResponse> {
  return client.get("/me", MeResponseSchema, { signal });
}

export function meQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: meKeys.all,
    queryFn: ({ signal }) => getMe(client, signal),
    // Roles change rarely; role assignment changes invalidate this key.
    staleTime: 5 * 60_000,
  });
}

export function useMeQuery() {
  return useQuery(meQueryOptions(useApiClient()));
}
