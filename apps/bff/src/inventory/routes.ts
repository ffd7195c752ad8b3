import { Router } from "express";
import { ListVmsQuerySchema, type ListVmsResponse, type RefreshResponse, type VmActivitySummary } from "@portcullis/contract";
import { requireAuthContext } from "../lib/auth/authenticate.ts";
import { guard } from "../lib/auth/guard.ts";
import { parseInput } from "../lib/http/validation.ts";
import type { InventoryService } from "./service.ts";
import { vmAccessFor } from "./vm-access.ts";

/** The Configured tab's figures from the activity log, keyed by lower-cased VM id (one query per page). */
export interface VmActivitySource {
  summaries(vmIds: readonly string[]): Promise<Map<string, VmActivitySummary>>;
}

export function inventoryRoutes(inventory: InventoryService, activity?: VmActivitySource): Router {
  const router = Router();
  router.get(
    "/inventory/vms",
    guard({ kind: "permission", permission: "jit.vm.read", scope: "some" }, async (req, res) => {
      const query = parseInput(ListVmsQuerySchema, req.query, "query");
      const access = await requireAuthContext(req).access();
      const body: ListVmsResponse = await inventory.list(query, vmAccessFor(access));
      if (activity !== undefined && query.tab === "configured") {
        // Who used a VM when is activity-log data: only for VMs where the caller may read the log.
        const readable = body.items.filter((vm) => access.has("jit.activity.read", vm.id));
        const summaries = await activity.summaries(readable.map((vm) => vm.id));
        body.items = body.items.map((vm) => ({ ...vm, activity: summaries.get(vm.id.toLowerCase()) ?? null }));
      }
      res.json(body);
    }),
  );
  router.post(
    "/inventory/refresh",
    guard({ kind: "permission", permission: "jit.inventory.refresh", scope: "tenant" }, async (_req, res) => {
      const body: RefreshResponse = await inventory.refresh();
      res.json(body);
    }),
  );
  return router;
}
