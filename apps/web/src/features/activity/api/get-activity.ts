import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { ActivityPageResponseSchema, maxActivityPageSize, type ActivityPageResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { activityQuery, type ActivityFilters } from "../utils/activity-filters.ts";
import { activityKeys } from "./activity-keys.ts";

export const activityPageSize = 50;

export async function getActivityPage(
  client: ApiClient,
  filters: ActivityFilters,
  paging: { cursor?: string | null; pageSize?: number },
  signal?: AbortSignal,
): Promise<ActivityPageResponse> {
  return client.get(`/activity?${activityQuery(filters, paging)}`, ActivityPageResponseSchema, { signal });
}

/** Newest first; each "Load more" fetches the page after the last one's cursor. */
export function activityPagesQueryOptions(filters: ActivityFilters, client: ApiClient) {
  return infiniteQueryOptions({
    queryKey: activityKeys.pages(filters),
    queryFn: ({ pageParam, signal }) => getActivityPage(client, filters, { cursor: pageParam, pageSize: activityPageSize }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Changing a filter keeps the current rows on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function useActivityPages(filters: ActivityFilters, enabled = true) {
  return useInfiniteQuery({ ...activityPagesQueryOptions(filters, useApiClient()), enabled });
}

/** The events of one request (same correlation id), oldest first. */
export function correlatedQueryOptions(correlationId: string, client: ApiClient) {
  return queryOptions({
    queryKey: activityKeys.correlated(correlationId),
    queryFn: async ({ signal }) => {
      const query = new URLSearchParams({ correlationId, pageSize: String(maxActivityPageSize) });
      const body = await client.get(`/activity?${query.toString()}`, ActivityPageResponseSchema, { signal });
      return [...body.items].reverse();
    },
  });
}

export function useCorrelatedEvents(correlationId: string | null) {
  const client = useApiClient();
  return useQuery({ ...correlatedQueryOptions(correlationId ?? "", client), enabled: correlationId !== null });
}
