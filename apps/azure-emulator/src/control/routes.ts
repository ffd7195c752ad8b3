import express, { Router } from "express";
import { ArmError } from "../arm/errors.ts";
import type { EmulatorControl } from "../types.ts";
import { requireControlToken } from "./control-token.ts";

/**
 * The control endpoint under /_emulator/ (not an ARM path): fault injection, counters, reset. It needs the
 * per-start control token even on loopback, since any local process could otherwise rewrite the estate.
 */
export function controlRoutes(control: EmulatorControl, controlToken: string): Router {
  const router = Router();
  router.use(requireControlToken(controlToken));
  router.use(express.json({ limit: "1mb" }));
  router.post("/reset", (req, res) => {
    control.reset(req.body === undefined ? undefined : req.body);
    res.json(control.estateSummary());
  });
  router.get("/config", (_req, res) => {
    res.json(control.getConfig());
  });
  router.put("/config", (req, res) => {
    res.json(control.setConfig(req.body ?? {}));
  });
  router.post("/faults", (req, res) => {
    control.addFault(req.body);
    res.status(201).json({ added: true });
  });
  router.delete("/faults", (_req, res) => {
    control.clearFaults();
    res.status(204).end();
  });
  router.get("/counters", (_req, res) => {
    res.json(control.counters());
  });
  router.post("/counters/reset", (_req, res) => {
    control.resetCounters();
    res.status(204).end();
  });
  router.get("/estate", (_req, res) => {
    res.json(control.estateSummary());
  });
  router.use((req) => {
    throw new ArmError(404, "NotFound", `The control endpoint has no ${req.method} /_emulator${req.path}.`);
  });
  return router;
}
