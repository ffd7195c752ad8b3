import { ApprovalsView } from "../../features/approvals/components/approvals-view.tsx";

/** Requests waiting on the approver, and break-glass accesses to review. */
export function ApprovalsRoute() {
  return <ApprovalsView />;
}
