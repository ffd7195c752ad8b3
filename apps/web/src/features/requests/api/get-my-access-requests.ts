import { queryOptions, useQuery } from "@tanstack/react-query";
import { ListAccessRequestsResponseSchema, type AccessRequest } from "@portcullis/contract";
import { getAllPages } from "../../../lib/all-pages.ts";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { requestKeys } from "./request-keys.ts";

/** The caller's own access requests (those that needed approval, and break-glass ones), every status, all pages. */
export async function getMyAccessRequests(client: ApiClient, signal?: AbortSignal): Promise<{ items: AccessRequest[] }> {
  return getAllPages(client, "/access-requests?scope=mine&status=all", ListAccessRequestsResponseSchema, { signal });
}

/** How often the list is read again while a request waits, so an approval shows without a reload. */
export const pendingRequestsRefetchMs = 10_000;

/** Poll while anything waits for approval; otherwise nothing changes without the requester doing something. */
export function accessRequestsRefetchInterval(data: { items: AccessRequest[] } | undefined): number | false {
  return data?.items.some((request) => request.status === "pending") ? pendingRequestsRefetchMs : false;
}

export function myAccessRequestsQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: requestKeys.myAccessRequests(),
    queryFn: ({ signal }) => getMyAccessRequests(client, signal),
    staleTime: 0,
    refetchInterval: (query) => accessRequestsRefetchInterval(query.state.data),
  });
}

export function useMyAccessRequestsQuery() {
  return useQuery(myAccessRequestsQueryOptions(useApiClient()));
}
