import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { notificationKeys } from "./notification-keys.ts";

export async function deleteSubscription(client: ApiClient, id: string): Promise<void> {
  return client.delete(`/notifications/subscriptions/${encodeURIComponent(id)}`);
}

export function useDeleteSubscription() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteSubscription(client, id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
