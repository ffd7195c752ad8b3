import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { ListGrantsResponseSchema, type Grant } from "@portcullis/contract";
import { getAllPages } from "../../../lib/all-pages.ts";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { requestKeys, type ListGrantsQuery } from "./request-keys.ts";

/** `mine`, or `all` for those who may revoke anyone's grant; `active` grants are open (or opening, closing). */
export type { ListGrantsQuery };

export function grantsPath(query: ListGrantsQuery): string {
  const params = new URLSearchParams({ scope: query.scope, status: query.status });
  if (query.vmId) params.set("vmId", query.vmId);
  return `/grants?${params.toString()}`;
}

/** Every grant of the list (all its pages). */
export async function getGrants(client: ApiClient, query: ListGrantsQuery, signal?: AbortSignal): Promise<{ items: Grant[] }> {
  return getAllPages(client, grantsPath(query), ListGrantsResponseSchema, { signal });
}

/** While a grant is open, the list is read again now and then: the server closes grants when they expire. */
export const activeGrantsRefetchMs = 30_000;

export function grantsQueryOptions(client: ApiClient, query: ListGrantsQuery) {
  return queryOptions({
    queryKey: requestKeys.grantList(query),
    queryFn: ({ signal }) => getGrants(client, query, signal),
    staleTime: 0,
    refetchInterval: query.status === "recent" ? false : activeGrantsRefetchMs,
  });
}

export function useGrants(query: ListGrantsQuery) {
  // Switching "Show everyone's" keeps the rows on screen until the other list arrives.
  return useQuery({ ...grantsQueryOptions(useApiClient(), query), placeholderData: keepPreviousData });
}
