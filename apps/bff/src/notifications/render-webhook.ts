import { createHmac, timingSafeEqual } from "node:crypto";
import { eventLabel } from "./notification-events.ts";
import { portalUrlOf, type OutboxMessage, type RenderContext } from "./render-text.ts";

/** An HTTP POST to make: the body exactly as signed, and its headers. */
export interface HttpDelivery {
  body: string;
  headers: Record<string, string>;
}

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the signed content binds the time, so a replay is detectable. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** What receivers do (the BFF README's recipe), in constant time; `toleranceSeconds` bounds replays. */
export function verifyWebhookSignature(secret: string, headers: { timestamp: string | undefined; signature: string | undefined }, body: string, now: Date, toleranceSeconds = 300): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(headers.signature ?? "");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The generic webhook: JSON `{ id, event, label, occurredAt, ...facts, portalUrl }`, signed Stripe/Slack style.
 * `X-Portcullis-Delivery` is the outbox id, the same on every retry, so receivers can de-duplicate.
 */
export function renderWebhook(message: OutboxMessage, context: RenderContext, secret: string, now: Date): HttpDelivery {
  const { portalPath: _portalPath, occurredAt, ...facts } = message.payload;
  const body = JSON.stringify({ id: message.id, event: message.event, label: eventLabel(message.event), occurredAt, ...facts, portalUrl: portalUrlOf(message, context) });
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    body,
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "Portcullis-Notifications/1",
      "X-Portcullis-Event": message.event,
      "X-Portcullis-Delivery": message.id,
      "X-Portcullis-Timestamp": String(timestamp),
      "X-Portcullis-Signature": webhookSignature(secret, timestamp, body),
    },
  };
}
