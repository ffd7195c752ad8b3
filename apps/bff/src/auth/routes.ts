import { Router } from "express";
import type { AuthConfigResponse, MeResponse } from "@portcullis/contract";
import { requireAuthContext } from "../lib/auth/authenticate.ts";
import { guard } from "../lib/auth/guard.ts";

/** Public: what the SPA needs to configure MSAL (no secrets). */
export function authConfigRoutes(clientConfig: AuthConfigResponse): Router {
  const router = Router();
  router.get(
    "/auth/config",
    guard({ kind: "public" }, (_req, res) => {
      res.json(clientConfig);
    }),
  );
  return router;
}

/** Any signed-in user, even one without a role: who they are and what they may do. */
export function meRoutes(): Router {
  const router = Router();
  router.get(
    "/me",
    guard({ kind: "signed-in" }, async (req, res) => {
      const context = requireAuthContext(req);
      const access = await context.access();
      const { principal } = context;
      const body: MeResponse = {
        user: { oid: principal.oid, name: principal.name, username: principal.username, tenantId: principal.tenantId },
        tenantRoles: principal.tenantRoles,
        assignments: [...access.assignments],
        tenantPermissions: [...access.tenantPermissions],
        anyScopePermissions: [...access.anyScopePermissions],
        ignoredRoles: principal.ignoredRoles,
      };
      res.json(body);
    }),
  );
  return router;
}
