import type { Request } from "express";
import type { EstateStore } from "../store/estate-store.ts";
import type { ResourceGroupRecord, SubscriptionRecord } from "../store/types.ts";
import { ArmError, resourceGroupNotFound, subscriptionNotFound } from "./errors.ts";
import { resourceGroupId } from "./ids.ts";

const HOST_HEADER = /^[A-Za-z0-9.\-:[\]]{1,255}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The origin clients used to reach us, for links we hand out (nextLink, Azure-AsyncOperation), so a client
 * that connected through 127.0.0.1 is not sent to "localhost" and vice versa.
 */
export function baseUrl(req: Request): string {
  const host = req.headers.host;
  if (host && HOST_HEADER.test(host)) return `https://${host}`;
  return String(req.app.locals["fallbackUrl"]);
}

/** A path parameter as a string (Express 5 types params loosely). */
export function param(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown>)[name];
  return typeof value === "string" ? value : "";
}

export function requireSubscription(store: EstateStore, subscriptionId: string): SubscriptionRecord {
  if (!GUID.test(subscriptionId)) {
    throw new ArmError(400, "InvalidSubscriptionId", `The provided subscription identifier '${subscriptionId}' is malformed or invalid.`);
  }
  const subscription = store.subscription(subscriptionId);
  if (!subscription) throw subscriptionNotFound(subscriptionId);
  return subscription;
}

export function requireResourceGroup(store: EstateStore, subscriptionId: string, resourceGroup: string): ResourceGroupRecord {
  const subscription = requireSubscription(store, subscriptionId);
  const group = store.resourceGroup(resourceGroupId(subscription.subscriptionId, resourceGroup));
  if (!group) throw resourceGroupNotFound(resourceGroup);
  return group;
}
