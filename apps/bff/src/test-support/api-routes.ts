import type { Express } from "express";
import { routeAccessOf, type RouteAccess } from "../lib/auth/guard.ts";

export interface ApiRoute {
  method: string;
  /** Express path, e.g. /api/rbac/assignments/:id */
  path: string;
  /** What the route declares through `guard`; undefined when a handler was registered without it. */
  access: RouteAccess | undefined;
}

interface LayerLike {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
  handle?: { stack?: LayerLike[] };
}

function walk(stack: readonly LayerLike[], prefix: string, out: ApiRoute[]): void {
  for (const layer of stack) {
    if (layer.route !== undefined) {
      const access = layer.route.stack.map((l) => routeAccessOf(l.handle)).find((a) => a !== undefined);
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== "_all") out.push({ method: method.toUpperCase(), path: `${prefix}${layer.route.path}`, access });
      }
    } else if (Array.isArray(layer.handle?.stack)) {
      const mount = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
      walk(layer.handle.stack, `${prefix}${mount}`, out);
    }
  }
}

/** Every route registered on the app (read from Express's router, not a hand-kept list), with its declared access. */
export function listRoutes(app: Express): ApiRoute[] {
  const out: ApiRoute[] = [];
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, "", out);
  return out;
}
