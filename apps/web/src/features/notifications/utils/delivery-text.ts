import { notificationEventLabels, notificationEvents, webhookFailureOutcomes, type NotificationDelivery, type NotificationEvent, type WebhookFailureOutcome } from "@portcullis/contract";

/** The event's name as the portal shows it; the test notification has its own. */
export function deliveryEventLabel(event: NotificationDelivery["event"]): string {
  return event === "test" ? "Test notification" : notificationEventLabels[event];
}

export const deliveryStatusLabels: Record<NotificationDelivery["status"], string> = {
  pending: "Pending",
  delivered: "Delivered",
  failed: "Failed",
};

/** The webhook outcomes the server records (deliberately coarse), in words. */
export const webhookOutcomeLabels: Record<WebhookFailureOutcome, string> = {
  unreachable: "Unreachable (no connection to the endpoint)",
  "tls-error": "TLS error (certificate not trusted, or not for this host)",
  timeout: "Timed out (no answer in time)",
  "refused-address": "Refused: the host resolves to an address notifications may not reach",
};

function errorText(error: string | null, status: number | null): string | null {
  if (error === null || error === "") return null;
  // `http-<status>` says what "HTTP <status>" already shows.
  if (/^http-\d{3}$/.test(error)) return status !== null && status >= 300 && status < 400 ? "redirects are not followed" : null;
  const outcome = webhookFailureOutcomes.find((o) => o === error);
  return outcome === undefined ? error : webhookOutcomeLabels[outcome];
}

/** "HTTP 500", "Timed out (no answer in time)", an e-mail error as the server wrote it, "HTTP 204", or a dash before the first attempt. */
export function lastResultText(delivery: Pick<NotificationDelivery, "lastStatusCode" | "lastError">): string {
  const parts = [delivery.lastStatusCode === null ? null : `HTTP ${delivery.lastStatusCode}`, errorText(delivery.lastError, delivery.lastStatusCode)].filter((part): part is string => part !== null);
  return parts.length === 0 ? "—" : parts.join(" · ");
}

/** "All events" when a subscription has them all, else their names. */
export function eventsText(events: readonly NotificationEvent[]): string {
  if (notificationEvents.every((event) => events.includes(event))) return "All events";
  return events.map((event) => notificationEventLabels[event]).join(", ");
}
