import type { Router } from "express";
import type { PeriodicJob } from "../scheduler/scheduler.ts";
import { approvalRoutes } from "./routes.ts";
import { createApprovalService, type ApprovalService, type ApprovalServiceDeps } from "./service.ts";

/** How often pending requests past their wait are lapsed. */
const approvalLapseIntervalMs = 15_000;

export interface Approvals {
  service: ApprovalService;
  /** Decisions, cancel, break-glass review and the lists: mounted by the app beside the other components' routes. */
  routes(): Router;
  /** Lapsing requests past their wait, run by the scheduler. */
  jobs: readonly PeriodicJob[];
}

/**
 * The approvals component: requests that wait for approval (N of M, lapse, cancel, break-glass review). It opens an
 * approved request through the grants' opening port and reads requesters' history through the grant repository;
 * the request service asks it (its `ApprovalGate`) whether a new request waits.
 */
export function assembleApprovals(deps: ApprovalServiceDeps): Approvals {
  const service = createApprovalService(deps);
  return {
    service,
    routes: () => approvalRoutes({ approvals: service }),
    jobs: [{ name: "approval-lapse", run: () => service.lapseDue(), everyMs: approvalLapseIntervalMs }],
  };
}
