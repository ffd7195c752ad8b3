import { describe, expect, it } from "vitest";
import { partialMatchKey } from "@tanstack/react-query";
import type { NotificationSubscription } from "@portcullis/contract";
import { createApiClient } from "../../../lib/api-client.ts";
import { createSubscription } from "./create-subscription.ts";
import { deleteSubscription } from "./delete-subscription.ts";
import { getDeliveries } from "./get-deliveries.ts";
import { getSubscriptions } from "./get-subscriptions.ts";
import { notificationKeys } from "./notification-keys.ts";
import { testSubscription } from "./test-subscription.ts";
import { updateSubscription } from "./update-subscription.ts";

const subscription: NotificationSubscription = {
  id: "3f0e8d52-8a0c-4f59-9d3e-0f6f0c1d2e3a",
  name: "SecOps",
  kind: "webhook",
  targetDisplay: "https://hooks.example.com/…",
  scope: "/",
  events: ["request.pending-approval"],
  enabled: true,
  toRequester: false,
  signed: true,
  createdAt: "2026-03-01T10:00:00Z",
  createdBy: "Ada Admin",
};

type Call = { url: string; method: string; body: unknown };

function server(status: number, answer: unknown) {
  const calls: Call[] = [];
  const client = createApiClient({
    fetch: async (url, init) => {
      calls.push({ url, method: init?.method ?? "GET", body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined });
      return new Response(answer === undefined ? null : JSON.stringify(answer), { status });
    },
  });
  return { client, calls };
}

type Client = ReturnType<typeof server>["client"];
const id = subscription.id;

describe("notifications API", () => {
  it.each<[string, number, unknown, (client: Client) => Promise<unknown>, Call]>([
    ["lists subscriptions", 200, { items: [subscription] }, (c) => getSubscriptions(c), { url: "/api/notifications/subscriptions", method: "GET", body: undefined }],
    [
      "adds one",
      201,
      { subscription, secret: "generated-secret-generated-secret-1234" },
      (c) => createSubscription(c, { name: "SecOps", kind: "webhook", url: "https://hooks.example.com/x", scope: "/", events: ["request.pending-approval"] }),
      { url: "/api/notifications/subscriptions", method: "POST", body: { name: "SecOps", kind: "webhook", url: "https://hooks.example.com/x", scope: "/", events: ["request.pending-approval"] } },
    ],
    ["switches one off", 200, { ...subscription, enabled: false }, (c) => updateSubscription(c, id, { enabled: false }), { url: `/api/notifications/subscriptions/${id}`, method: "PATCH", body: { enabled: false } }],
    ["deletes one", 204, undefined, (c) => deleteSubscription(c, id), { url: `/api/notifications/subscriptions/${id}`, method: "DELETE", body: undefined }],
    ["sends a test", 202, undefined, (c) => testSubscription(c, id), { url: `/api/notifications/subscriptions/${id}/test`, method: "POST", body: {} }],
    ["reads the whole delivery log", 200, { items: [] }, (c) => getDeliveries(c, {}), { url: "/api/notifications/deliveries", method: "GET", body: undefined }],
    [
      "reads the failed deliveries of one subscription",
      200,
      { items: [] },
      (c) => getDeliveries(c, { status: "failed", subscriptionId: id }),
      { url: `/api/notifications/deliveries?status=failed&subscriptionId=${id}`, method: "GET", body: undefined },
    ],
  ])("%s", async (_case, status, answer, send, expected) => {
    const { client, calls } = server(status, answer);
    await send(client);
    expect(calls).toEqual([expected]);
  });

  it("hands back the generated webhook secret with the new subscription", async () => {
    const { client } = server(201, { subscription, secret: "generated-secret-generated-secret-1234" });
    await expect(createSubscription(client, { name: "SecOps", kind: "webhook", url: "https://h", scope: "/", events: ["request.denied"] })).resolves.toEqual({
      subscription,
      secret: "generated-secret-generated-secret-1234",
    });
  });

  it("keeps every delivery list under the key a test or a subscription change invalidates", () => {
    const key = notificationKeys.deliveryList({ status: "failed" });
    expect(partialMatchKey(key, notificationKeys.deliveries())).toBe(true);
    expect(partialMatchKey(key, notificationKeys.all)).toBe(true);
    expect(partialMatchKey(notificationKeys.subscriptions(), notificationKeys.deliveries())).toBe(false);
  });
});
