import { Router, type Request } from "express";
import {
  CreateNotificationSubscriptionBodySchema,
  ListDeliveriesQuerySchema,
  UpdateNotificationSubscriptionBodySchema,
  type CreateNotificationSubscriptionResponse,
  type ListDeliveriesResponse,
  type ListNotificationSubscriptionsResponse,
  type NotificationDelivery,
  type NotificationSubscription,
} from "@portcullis/contract";
import { auditContextOf } from "../lib/audit/audit-context.ts";
import type { Access } from "../lib/auth/access.ts";
import { requireAuthContext } from "../lib/auth/authenticate.ts";
import { guard, type RouteAccess } from "../lib/auth/guard.ts";
import { checkFreeText } from "../lib/http/free-text.ts";
import { parseInput } from "../lib/http/validation.ts";
import { subscriptionIdOf, type NotificationService } from "./service.ts";

export interface NotificationRouteDeps {
  service: NotificationService;
}

/** Admins (the only role holding these); the service then checks the subscription's own scope. */
const readers: RouteAccess = { kind: "permission", permission: "jit.notifications.read", scope: "some" };
const writers: RouteAccess = { kind: "permission", permission: "jit.notifications.write", scope: "some" };

function accessOf(req: Request): Promise<Access> {
  return requireAuthContext(req).access();
}

export function notificationRoutes(deps: NotificationRouteDeps): Router {
  const router = Router();
  const { service } = deps;

  router.get(
    "/notifications/subscriptions",
    guard(readers, async (req, res) => {
      const body: ListNotificationSubscriptionsResponse = { items: await service.list(await accessOf(req)) };
      res.json(body);
    }),
  );

  router.post(
    "/notifications/subscriptions",
    guard(writers, async (req, res) => {
      const input = parseInput(CreateNotificationSubscriptionBodySchema, req.body, "body");
      checkFreeText({ name: input.name });
      const body: CreateNotificationSubscriptionResponse = await service.create(input, await accessOf(req), auditContextOf(req));
      res.status(201).location(`/api/notifications/subscriptions/${body.subscription.id}`).json(body);
    }),
  );

  router.patch(
    "/notifications/subscriptions/:id",
    guard(writers, async (req, res) => {
      const id = subscriptionIdOf(req.params["id"]);
      const change = parseInput(UpdateNotificationSubscriptionBodySchema, req.body ?? {}, "body");
      const body: NotificationSubscription = await service.update(id, change, await accessOf(req), auditContextOf(req));
      res.json(body);
    }),
  );

  router.delete(
    "/notifications/subscriptions/:id",
    guard(writers, async (req, res) => {
      await service.remove(subscriptionIdOf(req.params["id"]), await accessOf(req), auditContextOf(req));
      res.status(204).end();
    }),
  );

  router.post(
    "/notifications/subscriptions/:id/test",
    guard(writers, async (req, res) => {
      const body: NotificationDelivery = await service.test(subscriptionIdOf(req.params["id"]), await accessOf(req), auditContextOf(req));
      res.status(202).json(body);
    }),
  );

  router.get(
    "/notifications/deliveries",
    guard(readers, async (req, res) => {
      const query = parseInput(ListDeliveriesQuerySchema, req.query, "query");
      const body: ListDeliveriesResponse = { items: await service.deliveries(query, await accessOf(req)) };
      res.json(body);
    }),
  );

  return router;
}
