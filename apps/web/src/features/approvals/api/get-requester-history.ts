import { queryOptions, useQuery } from "@tanstack/react-query";
import { RequesterHistoryResponseSchema, type RequesterHistoryResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { approvalKeys } from "./approval-keys.ts";

/** The requester's last 30 days (counts by outcome, the latest grants), shown beside their request. */
export async function getRequesterHistory(client: ApiClient, requestId: string, signal?: AbortSignal): Promise<RequesterHistoryResponse> {
  return client.get(`/access-requests/${encodeURIComponent(requestId)}/requester-history`, RequesterHistoryResponseSchema, { signal });
}

export function requesterHistoryQueryOptions(client: ApiClient, requestId: string) {
  return queryOptions({
    queryKey: approvalKeys.requesterHistory(requestId),
    queryFn: ({ signal }) => getRequesterHistory(client, requestId, signal),
  });
}

export function useRequesterHistory(requestId: string | undefined) {
  const client = useApiClient();
  return useQuery({ ...requesterHistoryQueryOptions(client, requestId ?? ""), enabled: requestId !== undefined });
}
