import { queryOptions, useQuery } from "@tanstack/react-query";
import { ListAccessRequestsResponseSchema, type AccessRequest } from "@portcullis/contract";
import { getAllPages } from "../../../lib/all-pages.ts";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { approvalKeys } from "./approval-keys.ts";

/**
 * What the caller may act on: pending requests in their approver set, and break-glass accesses awaiting review
 * (which are no longer pending, hence every status); every page, so none waits unseen.
 */
export async function getApprovals(client: ApiClient, signal?: AbortSignal): Promise<{ items: AccessRequest[] }> {
  return getAllPages(client, "/access-requests?scope=approvals&status=all", ListAccessRequestsResponseSchema, { signal });
}

/** New requests arrive without the approver doing anything; requests also lapse or are decided by others. */
export const approvalsRefetchMs = 15_000;

export function approvalsQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: approvalKeys.list(),
    queryFn: ({ signal }) => getApprovals(client, signal),
    staleTime: 0,
    refetchInterval: approvalsRefetchMs,
  });
}

export function useApprovals() {
  return useQuery(approvalsQueryOptions(useApiClient()));
}
