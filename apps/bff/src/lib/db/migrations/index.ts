import type { Migration } from "kysely/migration";
import { initial } from "./0001-initial.ts";
import { roleAssignments } from "./0002-role-assignments.ts";
import { policyPlacement } from "./0003-policy-placement.ts";
import { auditEvents } from "./0004-audit-events.ts";
import { accessGrants } from "./0005-access-grants.ts";
import { auditChain } from "./0006-audit-chain.ts";
import { approvalsNotifications } from "./0007-approvals-notifications.ts";
import { auditAnchors } from "./0008-audit-anchors.ts";
import { listPaging } from "./0009-list-paging.ts";
import { principals } from "./0010-principals.ts";
import { instances } from "./0011-instances.ts";
import { revokeRequested } from "./0012-revoke-requested.ts";
import { rateLimits } from "./0013-rate-limits.ts";
import { endLiveSessions } from "./0014-end-live-sessions.ts";
import { requestHistory } from "./0015-request-history.ts";
import { justificationRule } from "./0016-justification-rule.ts";
import { expiryUnits } from "./0017-expiry-units.ts";

/** Every migration, in order. Names sort lexically; never rename or edit a released one. */
export const migrations: Record<string, Migration> = {
  "0001-initial": initial,
  "0002-role-assignments": roleAssignments,
  "0003-policy-placement": policyPlacement,
  "0004-audit-events": auditEvents,
  "0005-access-grants": accessGrants,
  "0006-audit-chain": auditChain,
  "0007-approvals-notifications": approvalsNotifications,
  "0008-audit-anchors": auditAnchors,
  "0009-list-paging": listPaging,
  "0010-principals": principals,
  "0011-instances": instances,
  "0012-revoke-requested": revokeRequested,
  "0013-rate-limits": rateLimits,
  "0014-end-live-sessions": endLiveSessions,
  "0015-request-history": requestHistory,
  "0016-justification-rule": justificationRule,
  "0017-expiry-units": expiryUnits,
};
