import { Router } from "express";
import { ListVmsQuerySchema, type ListVmsResponse, type RefreshResponse } from "@portcullis/contract";
import { requireAuthContext } from "../lib/auth/authenticate.ts";
import { guard } from "../lib/auth/guard.ts";
import { parseInput } from "../lib/http/validation.ts";
import type { InventoryService } from "./service.ts";
import { vmAccessFor } from "./vm-access.ts";

export function inventoryRoutes(inventory: InventoryService): Router {
  const router = Router();
  router.get(
    "/inventory/vms",
    guard({ kind: "permission", permission: "jit.vm.read", scope: "some" }, async (req, res) => {
      const query = parseInput(ListVmsQuerySchema, req.query, "query");
      const access = await requireAuthContext(req).access();
      const body: ListVmsResponse = await inventory.list(query, vmAccessFor(access));
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
