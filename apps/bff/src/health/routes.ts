import { Router } from "express";
import type { ReadyResponse } from "@portcullis/contract";
import { guard } from "../lib/auth/guard.ts";
import type { Logger } from "../lib/logger.ts";

/** A dependency check: resolves when the dependency answers, rejects with the reason otherwise. */
export type ReadyCheck = () => Promise<void>;

export interface ReadyChecks {
  database: ReadyCheck;
  arm: ReadyCheck;
}

/** Each check gets this long before it counts as failed. */
const checkTimeoutMs = 3_000;
/** One probe answers every readiness call for this long (a load balancer's or a flood's), so /readyz costs at most one ARM call per 5 s. */
export const readyCacheMs = 5_000;

type CheckResult = { ok: true } | { ok: false; message: string };
type Probe = { ready: boolean; checks: Record<keyof ReadyChecks, CheckResult> };

async function run(check: ReadyCheck, name: string): Promise<CheckResult> {
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

export interface ReadinessOptions {
  logger: Logger;
  /** Milliseconds since the epoch; injected so tests can step past the cache. */
  now?: () => number;
}

/**
 * Readiness probes shared by every caller: a result is reused for `readyCacheMs` after it was taken, and calls
 * that arrive while a probe runs wait for that probe (single flight). Why a check failed (the ARM endpoint, the
 * upstream error) is logged when the verdict changes, never sent to the anonymous caller.
 */
export function createReadiness(checks: ReadyChecks, options: ReadinessOptions): () => Promise<boolean> {
  const now = options.now ?? Date.now;
  let cached: { probe: Probe; takenAt: number } | undefined;
  let inFlight: Promise<Probe> | undefined;
  let lastVerdict: string | undefined;

  const probe = async (): Promise<Probe> => {
    const [database, arm] = await Promise.all([run(checks.database, "the database"), run(checks.arm, "Azure Resource Manager")]);
    const result: Probe = { ready: database.ok && arm.ok, checks: { database, arm } };
    const verdict = JSON.stringify(result);
    if (verdict !== lastVerdict) {
      if (result.ready) options.logger.info({ readiness: result.checks }, "ready");
      else options.logger.warn({ readiness: result.checks }, "not ready");
      lastVerdict = verdict;
    }
    return result;
  };

  return async () => {
    if (cached !== undefined && now() - cached.takenAt < readyCacheMs) return cached.probe.ready;
    inFlight ??= probe()
      .then((result) => {
        cached = { probe: result, takenAt: now() };
        return result;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return (await inFlight).ready;
  };
}

export function healthRoutes(isReady: () => Promise<boolean>): Router {
  const router = Router();
  /** Liveness: the process serves HTTP. */
  router.get(
    "/healthz",
    guard({ kind: "public" }, (_req, res) => {
      res.json({ status: "ok" });
    }),
  );
  /** Readiness: the database and ARM answer (one shared probe per 5 s; reasons only in the log). */
  router.get(
    "/readyz",
    guard({ kind: "public" }, async (_req, res) => {
      const ready = await isReady();
      const body: ReadyResponse = { status: ready ? "ready" : "not-ready" };
      if (!ready) res.setHeader("Retry-After", "5");
      res.status(ready ? 200 : 503).json(body);
    }),
  );
  return router;
}
