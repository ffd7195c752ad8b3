import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  CreateNotificationSubscriptionResponseSchema,
  type CreateNotificationSubscriptionBody,
  type CreateNotificationSubscriptionResponse,
} from "@portcullis/contract";
import type { ApiClient } from "../../../lib/api-client.ts";
import { useApiClient } from "../../../lib/api-client-context.tsx";
import { notificationKeys } from "./notification-keys.ts";

/** Adds a subscription; for a webhook without a secret of its own, the answer carries the one the server made, once. */
export async function createSubscription(client: ApiClient, body: CreateNotificationSubscriptionBody): Promise<CreateNotificationSubscriptionResponse> {
  return client.post("/notifications/subscriptions", body, CreateNotificationSubscriptionResponseSchema);
}

export function useCreateSubscription() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateNotificationSubscriptionBody) => createSubscription(client, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
