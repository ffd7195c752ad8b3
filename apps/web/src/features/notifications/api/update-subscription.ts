import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  NotificationSubscriptionSchema,
  type ListNotificationSubscriptionsResponse,
  type NotificationEvent,
  type NotificationSubscription,
} from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { notificationKeys } from "./notification-keys.ts";

export type SubscriptionPatch = { enabled?: boolean; events?: NotificationEvent[] };

/** Switches a subscription on or off, or changes its events. */
export async function updateSubscription(client: ApiClient, id: string, patch: SubscriptionPatch): Promise<NotificationSubscription> {
  return client.patch(`/notifications/subscriptions/${encodeURIComponent(id)}`, patch, NotificationSubscriptionSchema);
}

export function useUpdateSubscription() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: SubscriptionPatch }) => updateSubscription(client, id, patch),
    // The switch keeps the saved state while the list is read again, instead of flicking back.
    onSuccess: (saved) =>
      queryClient.setQueryData<ListNotificationSubscriptionsResponse>(notificationKeys.subscriptions(), (list) =>
        list ? { items: list.items.map((item) => (item.id === saved.id ? saved : item)) } : list,
      ),
    // Also after a refusal: the switch shows the stored state again.
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationKeys.subscriptions() }),
  });
}
