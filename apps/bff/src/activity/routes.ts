import { Router, type Request } from "express";
import type { ActivityPageResponse, AuditVerifyResponse } from "@portcullis/contract";
import { requireAuthContext } from "../lib/auth/authenticate.ts";
import { guard, type RouteAccess } from "../lib/auth/guard.ts";
import type { Logger } from "../lib/logger.ts";
import { parseActivityFilter } from "./activity-filter.ts";
import { streamExport, type ExportFormat } from "./export.ts";
import type { ActivityService } from "./service.ts";
import { visibilityFor, type Visibility } from "./visibility.ts";

/** Auditors and Admins read events in their scopes; Requesters read their own. Nobody writes events through the API. */
const readers: RouteAccess = { kind: "any-permission", permissions: ["jit.activity.read", "jit.request.create"], scope: "some" };

async function visibilityOf(req: Request): Promise<Visibility> {
  return visibilityFor(await requireAuthContext(req).access());
}

export function activityRoutes(service: ActivityService, logger: Logger): Router {
  const router = Router();

  router.get(
    "/activity",
    guard(readers, async (req, res) => {
      const filter = parseActivityFilter(req.query);
      const body: ActivityPageResponse = await service.page(filter, await visibilityOf(req));
      res.json(body);
    }),
  );

  for (const format of ["csv", "jsonl"] as const satisfies readonly ExportFormat[]) {
    router.get(
      `/activity/export.${format}`,
      guard(readers, async (req, res) => {
        const filter = parseActivityFilter(req.query);
        await streamExport(res, format, service.events(filter, await visibilityOf(req)), logger);
      }),
    );
  }

  router.get(
    "/audit/verify",
    guard({ kind: "permission", permission: "jit.rbac.write", scope: "tenant" }, async (_req, res) => {
      const body: AuditVerifyResponse = await service.verify();
      res.json(body);
    }),
  );

  return router;
}
