import { notificationEventLabels, notificationEvents, type NotificationDelivery, type NotificationEvent } from "@portcullis/contract";

/** The event's name as the portal shows it; the test notification has its own. */
export function deliveryEventLabel(event: NotificationDelivery["event"]): string {
  return event === "test" ? "Test notification" : notificationEventLabels[event];
}

export const deliveryStatusLabels: Record<NotificationDelivery["status"], string> = {
  pending: "Pending",
  delivered: "Delivered",
  failed: "Failed",
};

/** "HTTP 500 · connect ECONNREFUSED", "HTTP 204", or a dash before the first attempt. */
export function lastResultText(delivery: Pick<NotificationDelivery, "lastStatusCode" | "lastError">): string {
  const parts = [delivery.lastStatusCode === null ? null : `HTTP ${delivery.lastStatusCode}`, delivery.lastError].filter((part): part is string => part !== null && part !== "");
  return parts.length === 0 ? "—" : parts.join(" · ");
}

/** "All events" when a subscription has them all, else their names. */
export function eventsText(events: readonly NotificationEvent[]): string {
  if (notificationEvents.every((event) => events.includes(event))) return "All events";
  return events.map((event) => notificationEventLabels[event]).join(", ");
}
