import type { Role } from "@portcullis/contract";

/** What each role lets its holder do, in the words of the portal (the permissions are in the contract). */
export const roleDescriptions: Record<Role, string> = {
  Admin: "Everything: JIT policies, inventory refresh, approvals, revocation, the activity log and access control.",
  Requester: "Sees VMs in scope and requests access to them.",
  Approver: "Sees VMs in scope and approves access requests.",
  Auditor: "Sees VMs in scope and reads the activity log.",
};
