import type { RequestHandler } from "express";
import { Router } from "express";
import { ArmError } from "./errors.ts";
import { apiVersions } from "./api-version.ts";

/** What the caller's role assignments allow (one permission set, as Azure's permissions API lists). */
export interface IdentityPermissions {
  actions: string[];
  notActions: string[];
}

/** An identity with every action (the default: Owner-like). */
export const allActions: IdentityPermissions = { actions: ["*"], notActions: [] };

export const AUTHORIZATION_API_VERSIONS = ["2022-04-01", "2015-07-01"] as const;

function matches(pattern: string, action: string): boolean {
  const escaped = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`).test(action.toLowerCase());
}

export function allows(permissions: IdentityPermissions, action: string): boolean {
  return permissions.actions.some((p) => matches(p, action)) && !permissions.notActions.some((p) => matches(p, action));
}

/**
 * The RBAC action an ARM request needs, as Azure names it: `<namespace>/<type>[/<childType>...]/read|write|delete`
 * for resources (a list or a get is `read`), `Microsoft.Resources/subscriptions/read` for the subscription list.
 * Null for what needs no action here (the permissions API itself).
 */
export function actionOf(method: string, path: string): string | null {
  const segments = path.split("/").filter((s) => s !== "");
  const verb = method === "GET" || method === "HEAD" ? "read" : method === "DELETE" ? "delete" : "write";
  const providers = segments.lastIndexOf("providers");
  if (providers === -1) return segments[0]?.toLowerCase() === "subscriptions" ? `Microsoft.Resources/subscriptions/${verb === "read" ? "read" : verb}` : null;
  const namespace = segments[providers + 1] ?? "";
  if (namespace.toLowerCase() === "microsoft.authorization") return null;
  const types = segments.slice(providers + 2).filter((_, i) => i % 2 === 0);
  return `${namespace}/${types.join("/")}/${verb}`;
}

/** Refuses, as ARM does (403 AuthorizationFailed), a request whose action the identity's permissions lack. */
export function requireAction(permissions: () => IdentityPermissions): RequestHandler {
  return (req, _res, next) => {
    const action = actionOf(req.method, req.path);
    if (action !== null && !allows(permissions(), action)) {
      const scope = req.path.split("/providers/")[0] ?? req.path;
      throw new ArmError(
        403,
        "AuthorizationFailed",
        `The client does not have authorization to perform action '${action}' over scope '${req.path}' or the scope is invalid. If access was recently granted, please refresh your credentials. (scope ${scope})`,
      );
    }
    next();
  };
}

/** GET .../resourceGroups/{rg}/providers/Microsoft.Authorization/permissions: the caller's permissions there. */
export function permissionRoutes(permissions: () => IdentityPermissions): Router {
  const router = Router();
  router.get("/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.Authorization/permissions", apiVersions("permissions", AUTHORIZATION_API_VERSIONS), (_req, res) => {
    const { actions, notActions } = permissions();
    res.json({ value: [{ actions, notActions, dataActions: [], notDataActions: [] }] });
  });
  return router;
}
