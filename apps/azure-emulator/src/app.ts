import express, { type Express } from "express";
import { requireApiVersionParameter } from "./arm/api-version.ts";
import { requireBearerToken } from "./arm/auth.ts";
import { allActions, permissionRoutes, requireAction, type IdentityPermissions } from "./arm/authorization.ts";
import { ArmError, armErrorHandler } from "./arm/errors.ts";
import { controlRoutes } from "./control/routes.ts";
import { operationRoutes } from "./lro/routes.ts";
import { applyFaults, countRequests, delayReads, limitWrites } from "./policy/middleware.ts";
import { computeRoutes } from "./routes/compute.ts";
import { networkReadRoutes } from "./routes/network-read.ts";
import { networkInterfaceRoutes } from "./routes/nics.ts";
import { networkSecurityGroupRoutes } from "./routes/nsgs.ts";
import { securityRuleRoutes } from "./routes/security-rules.ts";
import { subscriptionRoutes } from "./routes/subscriptions.ts";
import type { EmulatorState } from "./state.ts";
import type { EmulatorControl } from "./types.ts";

/**
 * The emulator's Express app: the control endpoint under /_emulator/, then ARM: count, authenticate,
 * require api-version, inject faults and read latency, limit the write rate, route.
 */
export function createApp(state: EmulatorState, control: EmulatorControl, fallbackUrl: string, controlToken: string, permissions: IdentityPermissions = allActions): Express {
  const app = express();
  app.disable("x-powered-by");
  // ETags are ARM's (in the body), not Express's content hashes.
  app.set("etag", false);
  app.locals["fallbackUrl"] = fallbackUrl;

  app.use("/_emulator", controlRoutes(control, controlToken));

  app.use(countRequests(state));
  app.use(requireBearerToken(state.verifyToken));
  app.use(requireApiVersionParameter);
  app.use(requireAction(() => permissions));
  app.use(applyFaults(state));
  app.use(delayReads(state));
  app.use(limitWrites(state));
  app.use(express.json({ limit: "8mb", type: ["application/json", "application/*+json"] }));
  app.use(subscriptionRoutes(state));
  app.use(permissionRoutes(() => permissions));
  app.use(computeRoutes(state));
  app.use(networkReadRoutes(state));
  app.use(networkInterfaceRoutes(state));
  app.use(networkSecurityGroupRoutes(state));
  app.use(securityRuleRoutes(state));
  app.use(operationRoutes(state));
  app.use((req, _res, next) => {
    next(new ArmError(404, "NotFound", `The Azure emulator does not model ${req.method} ${req.path}.`));
  });
  app.use(armErrorHandler(state.logger));
  return app;
}
