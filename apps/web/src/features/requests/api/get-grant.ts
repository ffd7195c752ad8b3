import { queryOptions, useQuery } from "@tanstack/react-query";
import { GrantSchema, type Grant } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { requestKeys } from "./request-keys.ts";

export async function getGrant(client: ApiClient, id: string, signal?: AbortSignal): Promise<Grant> {
  return client.get(`/grants/${encodeURIComponent(id)}`, GrantSchema, { signal });
}

/** How often a grant still being opened or closed is read again. */
export const settlingGrantRefetchMs = 2_000;

/** True while the server is still writing the grant's NSG rules. */
export function isSettling(grant: Pick<Grant, "status"> | undefined): boolean {
  return grant?.status === "opening" || grant?.status === "closing";
}

export function grantQueryOptions(client: ApiClient, id: string) {
  return queryOptions({
    queryKey: requestKeys.grant(id),
    queryFn: ({ signal }) => getGrant(client, id, signal),
    refetchInterval: (query) => (isSettling(query.state.data) ? settlingGrantRefetchMs : false),
  });
}

/** One grant, read again every few seconds until its NSG write has finished. */
export function useGrant(id: string | undefined, initial?: Grant) {
  const client = useApiClient();
  return useQuery({
    ...grantQueryOptions(client, id ?? ""),
    enabled: id !== undefined,
    initialData: initial && initial.id === id ? initial : undefined,
  });
}
