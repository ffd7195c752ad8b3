import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Express } from "express";
import helmet from "helmet";
import { healthRoutes, type ReadyChecks } from "./health/routes.ts";
import { inventoryRoutes } from "./inventory/routes.ts";
import type { InventoryService } from "./inventory/service.ts";
import { apiNotFound, errorMiddleware } from "./lib/error-middleware.ts";
import { requestLogger } from "./lib/http/request-logger.ts";
import type { Logger } from "./lib/logger.ts";

/** The built SPA (root `vite build` output). */
export const defaultWebDistDir = fileURLToPath(new URL("../../web/dist", import.meta.url));

export interface AppDeps {
  logger: Logger;
  inventory: InventoryService;
  readyChecks: ReadyChecks;
  /** Proxies whose X-Forwarded-For is believed (CIDRs/IPs); empty trusts none. */
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

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy.length > 0 ? deps.trustProxy : false);
  app.use(helmet());
  app.use(requestLogger(deps.logger));
  app.use("/api", express.json({ limit: "100kb" }));
  app.use("/api", healthRoutes(deps.readyChecks));
  app.use("/api", inventoryRoutes(deps.inventory));
  app.use("/api", apiNotFound);
  const webDistDir = deps.webDistDir === undefined ? defaultWebDistDir : deps.webDistDir;
  if (webDistDir !== null && existsSync(path.join(webDistDir, "index.html"))) serveSpa(app, webDistDir);
  app.use(errorMiddleware(deps.logger));
  return app;
}
