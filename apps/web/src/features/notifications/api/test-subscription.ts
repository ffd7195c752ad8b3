import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { notificationKeys } from "./notification-keys.ts";

/** Queues a test notification; how it went shows in the delivery log. */
export async function testSubscription(client: ApiClient, id: string): Promise<void> {
  return client.postWithoutAnswer(`/notifications/subscriptions/${encodeURIComponent(id)}/test`, {});
}

export function useTestSubscription() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => testSubscription(client, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.deliveries() }),
  });
}
