import { Router, type Request } from "express";
import { NETWORK_API_VERSIONS, apiVersions } from "../arm/api-version.ts";
import { ArmError } from "../arm/errors.ts";
import { baseUrl, param } from "../arm/request-context.ts";
import type { EmulatorState } from "../state.ts";
import type { Operation } from "./operations.ts";
import { LONG_POLL_MAX_MS, retryAfterForPoll } from "./respond.ts";

const LOCATION = "/subscriptions/:sub/providers/Microsoft.Network/locations/:location";

/** Holds the request while the operation ends within the long-poll window (see respond.ts). */
async function settledOrInProgress(state: EmulatorState, req: Request): Promise<Operation> {
  const op = state.operations.get(param(req, "operationId"));
  if (!op || op.subscriptionId.toLowerCase() !== param(req, "sub").toLowerCase()) {
    throw new ArmError(404, "OperationNotFound", `The operation '${param(req, "operationId")}' could not be found.`);
  }
  const remaining = op.completesAt - Date.now();
  if (op.status === "InProgress" && remaining <= LONG_POLL_MAX_MS) await state.operations.waitFor(op, remaining + LONG_POLL_MAX_MS);
  return op;
}

/** Azure-AsyncOperation status (what the SDK polls) and the Location-style operation result. */
export function operationRoutes(state: EmulatorState): Router {
  const router = Router();
  const versions = apiVersions("locations/operations", NETWORK_API_VERSIONS);

  router.get(`${LOCATION}/operations/:operationId`, versions, async (req, res) => {
    const op = await settledOrInProgress(state, req);
    if (op.status === "InProgress") {
      res.set("Retry-After", String(Math.max(1, retryAfterForPoll(op))));
      res.json({ status: "InProgress" });
    } else if (op.status === "Failed" && op.error) {
      res.json({ status: "Failed", error: { code: op.error.code, message: op.error.message, details: [] } });
    } else {
      res.json({ status: op.status });
    }
  });

  router.get(`${LOCATION}/operationResults/:operationId`, versions, async (req, res) => {
    const op = await settledOrInProgress(state, req);
    if (op.status === "InProgress") {
      res.set("Retry-After", String(Math.max(1, retryAfterForPoll(op))));
      res.set("Location", `${baseUrl(req)}${req.originalUrl}`);
      res.status(202).end();
    } else if (op.status === "Failed" && op.error) {
      throw new ArmError(400, op.error.code, op.error.message);
    } else {
      res.status(204).end();
    }
  });
  return router;
}
