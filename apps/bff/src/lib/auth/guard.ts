import type { Request, RequestHandler } from "express";
import { tenantScope, type Permission } from "@portcullis/contract";
import { requireAnyPermissionSomewhere, requirePermission, requirePermissionSomewhere, type Access } from "./access.ts";
import { requireAuthContext } from "./authenticate.ts";

/** What a route requires, declared where the route is registered (and read back by the route-matrix test). */
export type RouteAccess =
  /** Anyone, no token (health probes, sign-in settings). */
  | { kind: "public" }
  /** Any signed-in user, whatever their roles. */
  | { kind: "signed-in" }
  /**
   * A permission at a scope: the tenant root, "some" scope (lists, filtered by scope afterwards), or a scope
   * read from the request (e.g. a VM id), checked before the handler makes any ARM call.
   */
  | { kind: "permission"; permission: Permission; scope: "tenant" | "some" | ((req: Request) => string) }
  /** One of several permissions at some scope (the activity log: auditors read, requesters read their own); the handler filters. */
  | { kind: "any-permission"; permissions: readonly [Permission, ...Permission[]]; scope: "some" };

const routeAccessKey = Symbol("portcullis.routeAccess");
const routeTemplates = new WeakMap<Request, string>();

/** Checks the caller against `access`, then runs `handler`. Every /api route is registered through this. */
export function guard(access: RouteAccess, handler: RequestHandler): RequestHandler {
  const guarded: RequestHandler = async (req, res, next) => {
    // The route as registered (`/api/grants/:id/revoke`), for the audit trail: never the raw URL with its ids and query.
    routeTemplates.set(req, `${req.baseUrl}${typeof req.route?.path === "string" ? req.route.path : ""}`);
    if (access.kind !== "public") {
      const context = requireAuthContext(req);
      if (access.kind === "permission") {
        const held = await context.access();
        if (access.scope === "some") requirePermissionSomewhere(held, access.permission);
        else requirePermission(held, access.permission, access.scope === "tenant" ? tenantScope : access.scope(req));
      } else if (access.kind === "any-permission") {
        requireAnyPermissionSomewhere(await context.access(), access.permissions);
      }
    }
    await handler(req, res, next);
  };
  Object.defineProperty(guarded, routeAccessKey, { value: access });
  return guarded;
}

/** The template of the guarded route that handled `req` (e.g. `/api/grants/:id/revoke`); undefined before a route matched. */
export function routeTemplateOf(req: Request): string | undefined {
  return routeTemplates.get(req);
}

/** The access a guarded handler declares; undefined for a handler registered without `guard`. */
export function routeAccessOf(handler: unknown): RouteAccess | undefined {
  if (typeof handler !== "function") return undefined;
  return (handler as unknown as Record<symbol, RouteAccess | undefined>)[routeAccessKey];
}

/** For checks inside a handler (a scope from the body): 403 naming the permission and scope unless held. */
export async function authorize(req: Request, permission: Permission, scope: string): Promise<Access> {
  const access = await requireAuthContext(req).access();
  requirePermission(access, permission, scope);
  return access;
}
