import { queryOptions, useQuery } from "@tanstack/react-query";
import { ListAccessRequestsResponseSchema, type AccessRequest } from "@portcullis/contract";
import { getAllPages } from "../../../lib/all-pages.ts";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { approvalsRefetchMs } from "./get-approvals.ts";
import { approvalKeys } from "./approval-keys.ts";

/** The caller's own requests still waiting: an approver's own request is decided by others, and the page says so. */
export async function getOwnPending(client: ApiClient, signal?: AbortSignal): Promise<{ items: AccessRequest[] }> {
  return getAllPages(client, "/access-requests?scope=mine&status=pending", ListAccessRequestsResponseSchema, { signal });
}

export function ownPendingQueryOptions(client: ApiClient) {
  return queryOptions({ queryKey: approvalKeys.ownPending(), queryFn: ({ signal }) => getOwnPending(client, signal), refetchInterval: approvalsRefetchMs });
}

/** Asked only of users who may request access at all (others have no requests of their own). */
export function useOwnPending(enabled: boolean) {
  return useQuery({ ...ownPendingQueryOptions(useApiClient()), enabled });
}
