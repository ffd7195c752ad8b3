import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { ListDeliveriesResponseSchema, type ListDeliveriesResponse } from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { notificationKeys, type DeliveryFilter } from "./notification-keys.ts";

export type { DeliveryFilter };

export function deliveriesPath(filter: DeliveryFilter): string {
  const params = new URLSearchParams();
  if (filter.status) params.set("status", filter.status);
  if (filter.subscriptionId) params.set("subscriptionId", filter.subscriptionId);
  const query = params.toString();
  return `/notifications/deliveries${query === "" ? "" : `?${query}`}`;
}

export async function getDeliveries(client: ApiClient, filter: DeliveryFilter, signal?: AbortSignal): Promise<ListDeliveriesResponse> {
  return client.get(deliveriesPath(filter), ListDeliveriesResponseSchema, { signal });
}

/** Retries happen in the background; the log is read again this often while it is shown. */
export const deliveriesRefetchMs = 10_000;

export function deliveriesQueryOptions(client: ApiClient, filter: DeliveryFilter) {
  return queryOptions({
    queryKey: notificationKeys.deliveryList(filter),
    queryFn: ({ signal }) => getDeliveries(client, filter, signal),
    staleTime: 0,
    refetchInterval: deliveriesRefetchMs,
  });
}

export function useDeliveries(filter: DeliveryFilter) {
  // A changed filter keeps the rows on screen until the other list arrives.
  return useQuery({ ...deliveriesQueryOptions(useApiClient(), filter), placeholderData: keepPreviousData });
}
