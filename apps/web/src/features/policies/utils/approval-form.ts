import type { ApprovalSettings } from "@portcullis/contract";
import type { FieldErrors } from "./problem-fields.ts";

/** "Request waits at most": the choices offered (a stored value outside them is offered too, as it is). */
export const approvalWaitChoices: ReadonlyArray<{ value: string; label: string }> = [
  { value: "PT1H", label: "1 hour" },
  { value: "PT4H", label: "4 hours" },
  { value: "PT24H", label: "24 hours" },
  { value: "P3D", label: "3 days" },
  { value: "P7D", label: "7 days" },
];

export const maxRequiredApprovals = 10;

/** The Approval section of the Enable / Edit blade, as typed. */
export type ApprovalForm = {
  /** "Require approval": off sends `approval: null` (requests open at once). */
  required: boolean;
  /** "Number of approvals", as typed. */
  requiredApprovals: string;
  /** "Anyone with the Approver role on the VM". */
  roleHolders: boolean;
  /** User names or object ids. */
  users: string[];
  /** Group ids, as in the token's `groups` claim. */
  groups: string[];
  allowSelfApproval: boolean;
  /** ISO-8601, from `approvalWaitChoices` (or a stored value). */
  maxWait: string;
  clockStartsAt: ApprovalSettings["clockStartsAt"];
};

/** Off; when switched on: one approval by anyone with the Approver role, 24 hours to decide, time from approval. */
export const defaultApprovalForm: ApprovalForm = {
  required: false,
  requiredApprovals: "1",
  roleHolders: true,
  users: [],
  groups: [],
  allowSelfApproval: false,
  maxWait: "PT24H",
  clockStartsAt: "approval",
};

/** Fills the section from a stored policy's rule (Edit). */
export function approvalFormFrom(settings: ApprovalSettings | null | undefined): ApprovalForm {
  if (!settings) return { ...defaultApprovalForm };
  return {
    required: true,
    requiredApprovals: String(settings.requiredApprovals),
    roleHolders: settings.approvers.roleHolders,
    // Saved approvers are object ids; the form shows who they are (their user name) and the BFF resolves it again.
    users: settings.approvers.users.map((oid) => settings.approvers.named?.find((entry) => entry.oid === oid)?.username ?? oid),
    groups: [...settings.approvers.groups],
    allowSelfApproval: settings.allowSelfApproval,
    maxWait: settings.maxWait,
    clockStartsAt: settings.clockStartsAt,
  };
}

function requiredCount(form: ApprovalForm): number | null {
  const text = form.requiredApprovals.trim();
  if (!/^\d+$/.test(text)) return null;
  const count = Number(text);
  return count >= 1 && count <= maxRequiredApprovals ? count : null;
}

/**
 * What the server would refuse, keyed as its problems are (`approval.requiredApprovals`, `approval.approvers`),
 * plus a set that can never give enough distinct approvals (fewer named users than approvals needed, and no
 * group or role to draw more from).
 */
export function validateApprovalForm(form: ApprovalForm): FieldErrors {
  if (!form.required) return {};
  const errors: FieldErrors = {};
  const count = requiredCount(form);
  if (count === null) errors["approval.requiredApprovals"] = `must be a whole number from 1 to ${maxRequiredApprovals}`;
  if (!form.roleHolders && form.users.length === 0 && form.groups.length === 0) {
    errors["approval.approvers"] = "name at least one approver: the Approver role, a user or a group";
  } else if (count !== null && !form.roleHolders && form.groups.length === 0 && form.users.length < count) {
    errors["approval.approvers"] = `${count} approvals are needed but only ${form.users.length} user${form.users.length === 1 ? " is" : "s are"} named; add users, a group or the Approver role`;
  }
  return errors;
}

/** The contract's rule: null when approval is off (the PUT then removes any stored rule), or while it is invalid. */
export function approvalFromForm(form: ApprovalForm): ApprovalSettings | null {
  if (!form.required) return null;
  const count = requiredCount(form);
  if (count === null || Object.keys(validateApprovalForm(form)).length > 0) return null;
  return {
    requiredApprovals: count,
    approvers: { roleHolders: form.roleHolders, users: [...form.users], groups: [...form.groups] },
    allowSelfApproval: form.allowSelfApproval,
    maxWait: form.maxWait,
    clockStartsAt: form.clockStartsAt,
  };
}
