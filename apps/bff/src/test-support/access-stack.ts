import { assembleApprovals, type Approvals } from "../approvals/wiring.ts";
import { createDirectory } from "../lib/auth/directory.ts";
import { assembleAccessRequests, assembleGrantCore, type AccessRequestDeps, type AccessRequests } from "../requests/wiring.ts";

/** Test support: grants, approvals and requests composed as the composition root (src/server.ts) does, without a server. */
export function assembleAccessStack(deps: AccessRequestDeps): AccessRequests & { approvals: Approvals } {
  const core = assembleGrantCore(deps);
  const approvals = assembleApprovals({
    db: deps.db,
    audit: deps.audit,
    policies: deps.policies,
    clock: core.clock,
    logger: deps.logger,
    principals: deps.principals,
    principalAccess: deps.principalAccess,
    directory: deps.directory ?? createDirectory({ principals: deps.principals }),
    opening: core.opening,
    grants: core.grants,
  });
  return { ...assembleAccessRequests(deps, core, { gate: approvals.service, jobs: approvals.jobs }), approvals };
}
