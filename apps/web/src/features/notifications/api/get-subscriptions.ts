import { queryOptions, useQuery } from "@tanstack/react-query";
import { ListNotificationSubscriptionsResponseSchema, type ListNotificationSubscriptionsResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { notificationKeys } from "./notification-keys.ts";

export async function getSubscriptions(client: ApiClient, signal?: AbortSignal): Promise<ListNotificationSubscriptionsResponse> {
  return client.get("/notifications/subscriptions", ListNotificationSubscriptionsResponseSchema, { signal });
}

export function subscriptionsQueryOptions(client: ApiClient) {
  return queryOptions({
    queryKey: notificationKeys.subscriptions(),
    queryFn: ({ signal }) => getSubscriptions(client, signal),
  });
}

export function useSubscriptions() {
  return useQuery(subscriptionsQueryOptions(useApiClient()));
}
