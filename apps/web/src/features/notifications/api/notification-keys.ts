import type { DeliveryFilter } from "./get-deliveries.ts";

/**
 * Every notifications query key starts with `notificationKeys.all`; a subscription change invalidates it all,
 * since the delivery log names subscriptions too. A test sent invalidates the deliveries only.
 */
export const notificationKeys = {
  all: ["notifications"] as const,
  subscriptions: () => [...notificationKeys.all, "subscriptions"] as const,
  deliveries: () => [...notificationKeys.all, "deliveries"] as const,
  deliveryList: (filter: DeliveryFilter) => [...notificationKeys.deliveries(), { status: filter.status ?? null, subscriptionId: filter.subscriptionId ?? null }] as const,
};
