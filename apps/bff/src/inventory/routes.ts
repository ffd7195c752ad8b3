import { Router } from "express";
import { ListVmsQuerySchema, type ListVmsResponse, type RefreshResponse } from "@portcullis/contract";
import { parseInput } from "../lib/http/validation.ts";
import type { InventoryService } from "./service.ts";

export function inventoryRoutes(inventory: InventoryService): Router {
  const router = Router();
  router.get("/inventory/vms", async (req, res) => {
    const query = parseInput(ListVmsQuerySchema, req.query, "query");
    const body: ListVmsResponse = await inventory.list(query);
    res.json(body);
  });
  router.post("/inventory/refresh", async (_req, res) => {
    const body: RefreshResponse = await inventory.refresh();
    res.json(body);
  });
  return router;
}
