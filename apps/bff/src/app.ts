import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { Router, type Express, type RequestHandler } from "express";
import { activityRoutes } from "./activity/routes.ts";
import type { ActivityService } from "./activity/service.ts";
import { authConfigRoutes, meRoutes } from "./auth/routes.ts";
import { healthRoutes } from "./health/routes.ts";
import { inventoryRoutes } from "./inventory/routes.ts";
import { notificationRoutes, type NotificationRouteDeps } from "./notifications/routes.ts";
import type { InventoryService } from "./inventory/service.ts";
import { policyRoutes, type PolicyRouteDeps } from "./policies/routes.ts";
import { requestRoutes, type RequestRouteDeps } from "./requests/routes.ts";
import type { RoleAssignmentRepository } from "./rbac/repository.ts";
import { rbacRoutes } from "./rbac/routes.ts";
import { referenceRoutes } from "./reference/routes.ts";
import type { RoleAssignmentService } from "./rbac/service.ts";
import { recordRefusals, type AccessDenials } from "./lib/audit/access-denied.ts";
import type { AuthRuntime } from "./lib/auth/auth-runtime.ts";
import { authenticate } from "./lib/auth/authenticate.ts";
import type { PrincipalStore } from "./lib/auth/principal-store.ts";
import type { RateLimits } from "./lib/config.ts";
import { apiNotFound, errorMiddleware } from "./lib/error-middleware.ts";
import { clientAddress } from "./lib/http/client-ip.ts";
import { jsonBody } from "./lib/http/json-body.ts";
import { perIpRateLimit, perUserRateLimit } from "./lib/http/rate-limit.ts";
import { requestContext } from "./lib/http/request-context.ts";
import type { Store } from "express-rate-limit";
import { metricsRoute, type Metrics } from "./lib/metrics/metrics.ts";
import { requestLogger } from "./lib/http/request-logger.ts";
import { securityHeaders } from "./lib/http/security-headers.ts";
import type { Logger } from "./lib/logger.ts";

/** The built SPA (root `vite build` output). */
export const defaultWebDistDir = fileURLToPath(new URL("../../web/dist", import.meta.url));

export interface AppDeps {
  logger: Logger;
  inventory: InventoryService;
  policies: PolicyRouteDeps;
  /** Access requests and grants. */
  requests: RequestRouteDeps;
  /** Requests that wait for approval (approvals/wiring.ts): decisions, cancel, break-glass review, the lists. */
  approvals: Router;
  assignments: RoleAssignmentRepository;
  /** The last claims of each principal, kept at sign-in for re-authorizing them later. */
  principals: PrincipalStore;
  /** Adds and removes assignments with their audit events. */
  rbac: RoleAssignmentService;
  /** The activity log (audit trail reads, exports, verification). */
  activity: ActivityService;
  /** Notification subscriptions and the delivery log (Admins). */
  notifications: NotificationRouteDeps;
  /** Readiness (database and ARM), one shared probe per few seconds: see health/routes.ts. */
  isReady: () => Promise<boolean>;
  /** Records refused writes as `access.denied` audit events (rate-limited per caller). */
  denials: AccessDenials;
  auth: AuthRuntime;
  /** The local issuer, mounted at /oidc (local mode); null in Entra mode. */
  localIssuer: ((req: IncomingMessage, res: ServerResponse) => void) | null;
  rateLimits: RateLimits;
  /** Shared counters for the limits (replicas on PostgreSQL); unset: each process counts in memory. */
  rateLimitStores?: (prefix: string) => Store;
  /** Prometheus metrics, served at /metrics when a token is configured. */
  metrics: { metrics: Metrics; token: string | undefined };
  /** Proxies whose X-Forwarded-For is believed (CIDRs/IPs or loopback/linklocal/uniquelocal); empty trusts none. */
  trustProxy: string[];
  /** Directory of the built SPA; null serves none. Defaults to apps/web/dist when it exists. */
  webDistDir?: string | null;
}

function serveSpa(app: Express, dir: string): void {
  const indexHtml = path.join(dir, "index.html");
  // Vite fingerprints everything under assets/, so it may be cached for good; index.html never.
  app.use("/assets", express.static(path.join(dir, "assets"), { immutable: true, maxAge: "1y", fallthrough: true }));
  app.use(express.static(dir, { index: false }));
  app.use((req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || req.path === "/api" || req.path.startsWith("/api/")) {
      next();
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(indexHtml);
  });
}

/** Grants carry connect details and lists carry names: no /api answer (errors and 404s included) is kept by any cache. */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader("Cache-Control", "no-store");
  next();
};

/**
 * /api in order: no-store; public health probes; the per-address limit; the public sign-in settings and the API
 * reference (OpenAPI document and page);
 * authentication (everything after it needs a valid token); the per-user limit; body parsing; the guarded
 * routes; refusals of writes recorded in the audit trail.
 */
function apiRouter(deps: AppDeps): Router {
  const api = Router();
  api.use(noStore);
  api.use(healthRoutes(deps.isReady));
  api.use(perIpRateLimit(deps.rateLimits.perIpPerMinute, deps.rateLimitStores?.("ip:")));
  api.use(authConfigRoutes(deps.auth.clientConfig));
  api.use(referenceRoutes({ oauth: deps.auth.oauth }));
  api.use(
    authenticate({
      validate: deps.auth.validate,
      loadAssignments: (p) => deps.assignments.listForPrincipal(p.oid, p.groups),
      remember: (p) => deps.principals.remember(p),
      rememberFailed: (error) => deps.logger.warn({ err: error }, "could not record a principal's claims"),
    }),
  );
  api.use(perUserRateLimit(deps.rateLimits.perUserPerMinute, deps.rateLimitStores?.("user:")));
  api.use(jsonBody());
  api.use(meRoutes());
  api.use(inventoryRoutes(deps.inventory, deps.activity));
  api.use(policyRoutes(deps.policies));
  api.use(requestRoutes(deps.requests));
  api.use(deps.approvals);
  api.use(rbacRoutes(deps.assignments, deps.rbac));
  api.use(activityRoutes(deps.activity, deps.logger));
  api.use(notificationRoutes(deps.notifications));
  api.use(apiNotFound);
  api.use(recordRefusals(deps.denials));
  return api;
}

function identityOrigins(auth: AuthRuntime): string[] {
  return auth.clientConfig.mode === "entra" ? [new URL(auth.clientConfig.authority).origin] : [];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // Client addresses come from core's resolveClientIp through TRUST_PROXY (clientIpOf), never from Express's
  // `trust proxy`, which stays unset so req.ip (not used) can never carry a forwarded value.
  app.use(clientAddress(deps.trustProxy));
  app.use(securityHeaders(identityOrigins(deps.auth), deps.localIssuer === null ? null : "/oidc"));
  app.use(requestLogger(deps.logger));
  app.use(requestContext());
  app.use(deps.metrics.metrics.http());
  // Prometheus scrapes with METRICS_TOKEN; without one there is no /metrics at all.
  if (deps.metrics.token !== undefined) app.get("/metrics", metricsRoute(deps.metrics.metrics, deps.metrics.token));
  // The issuer parses its own bodies, so it goes before any body parser.
  if (deps.localIssuer !== null) app.use("/oidc", deps.localIssuer);
  app.use("/api", apiRouter(deps));
  const webDistDir = deps.webDistDir === undefined ? defaultWebDistDir : deps.webDistDir;
  if (webDistDir !== null && existsSync(path.join(webDistDir, "index.html"))) serveSpa(app, webDistDir);
  app.use(errorMiddleware(deps.logger));
  return app;
}
