import { Router } from "express";
import type { ReadyResponse } from "@portcullis/contract";
import { guard } from "../lib/auth/guard.ts";

/** A dependency check: resolves when the dependency answers, rejects with the reason otherwise. */
export type ReadyCheck = () => Promise<void>;

export interface ReadyChecks {
  database: ReadyCheck;
  arm: ReadyCheck;
}

/** Each check gets this long before it counts as failed. */
const checkTimeoutMs = 3_000;

async function run(check: ReadyCheck, name: string): Promise<ReadyResponse["checks"]["database"]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${checkTimeoutMs / 1000} s`)), checkTimeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(checks: ReadyChecks): Router {
  const router = Router();
  /** Liveness: the process serves HTTP. */
  router.get(
    "/healthz",
    guard({ kind: "public" }, (_req, res) => {
      res.json({ status: "ok" });
    }),
  );
  /** Readiness: the database and ARM answer. */
  router.get(
    "/readyz",
    guard({ kind: "public" }, async (_req, res) => {
      const [database, arm] = await Promise.all([run(checks.database, "the database"), run(checks.arm, "Azure Resource Manager")]);
      const ready = database.ok && arm.ok;
      const body: ReadyResponse = { status: ready ? "ready" : "not-ready", checks: { database, arm } };
      res.status(ready ? 200 : 503).json(body);
    }),
  );
  return router;
}
