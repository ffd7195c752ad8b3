import type { NotificationDelivery } from "@portcullis/contract";

/** Which deliveries a log shows (GET /api/notifications/deliveries), as their keys tell them apart. */
export type DeliveryFilter = { status?: NotificationDelivery["status"]; subscriptionId?: string };

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
