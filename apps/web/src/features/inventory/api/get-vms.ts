import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { ListVmsResponseSchema, type ListVmsQuery, type ListVmsResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { inventoryKeys, normalizeVmsQuery } from "./inventory-keys.ts";

/**
 * One page of the VM table plus the query it answers: while the next page loads the
 * table shows the previous one, and must know when that belongs to another tab.
 */
export type VmPage = ListVmsResponse & { query: ListVmsQuery };

export function vmsSearchParams(query: ListVmsQuery): URLSearchParams {
  const normalized = normalizeVmsQuery(query);
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(normalized)) {
    if (value !== undefined) search.set(name, String(value));
  }
  return search;
}

export async function getVms(
  query: ListVmsQuery,
  options: { client: ApiClient; signal?: AbortSignal },
): Promise<ListVmsResponse> {
  return options.client.get(`/inventory/vms?${vmsSearchParams(query).toString()}`, ListVmsResponseSchema, {
    signal: options.signal,
  });
}

export function vmsQueryOptions(query: ListVmsQuery, client: ApiClient) {
  return queryOptions({
    queryKey: inventoryKeys.vmPage(query),
    queryFn: async ({ signal }): Promise<VmPage> => ({ ...(await getVms(query, { client, signal })), query }),
    // Paging, sorting and filtering keep the current rows on screen until the next page arrives.
    placeholderData: keepPreviousData,
  });
}

export function useVms(query: ListVmsQuery) {
  return useQuery(vmsQueryOptions(query, useApiClient()));
}
