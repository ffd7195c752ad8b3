import type { ApprovalSettings, AutoApprovalRule } from "@portcullis/contract";
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

/** "Approve automatically": the rule's conditions as typed; every one stated must hold. */
export type AutoApproveForm = {
  on: boolean;
  name: string;
  /** Group ids (or, with the local issuer, its group names), as in the token's `groups` claim. */
  groups: string[];
  /** "From" and "To", HH:MM; both empty: at any time. */
  from: string;
  to: string;
  timeZone: string;
  /** Port numbers as typed; empty: any of the policy's ports. */
  ports: string[];
  /** ISO-8601 from `autoApproveDurationChoices`; empty: any duration. */
  maxDuration: string;
};

/** "At most": the longest request the rule approves ("" for any the policy allows). */
export const autoApproveDurationChoices: ReadonlyArray<{ value: string; label: string }> = [
  { value: "", label: "Any duration" },
  { value: "PT30M", label: "30 minutes" },
  { value: "PT1H", label: "1 hour" },
  { value: "PT2H", label: "2 hours" },
  { value: "PT4H", label: "4 hours" },
  { value: "PT8H", label: "8 hours" },
];

export const defaultAutoApproveForm: AutoApproveForm = { on: false, name: "on-call", groups: [], from: "", to: "", timeZone: "UTC", ports: [], maxDuration: "" };

function autoApproveFormFrom(rule: AutoApprovalRule | null | undefined): AutoApproveForm {
  if (!rule) return { ...defaultAutoApproveForm };
  return {
    on: true,
    name: rule.name,
    groups: [...rule.groups],
    from: rule.hours?.from ?? "",
    to: rule.hours?.to ?? "",
    timeZone: rule.hours?.timeZone ?? "UTC",
    ports: rule.ports.map(String),
    maxDuration: rule.maxDuration ?? "",
  };
}

const clockTime = /^([01]\d|2[0-3]):[0-5]\d$/;

function validateAutoApprove(form: AutoApproveForm): Record<string, string> {
  if (!form.on) return {};
  const errors: Record<string, string> = {};
  if (form.name.trim() === "") errors["approval.autoApprove.name"] = "name the rule: the activity log names it";
  const from = form.from.trim();
  const to = form.to.trim();
  if (from !== "" || to !== "") {
    if (!clockTime.test(from) || !clockTime.test(to)) errors["approval.autoApprove.hours"] = "give both times as HH:MM (00:00 to 23:59)";
    else if (from === to) errors["approval.autoApprove.hours"] = "From and To must differ";
  }
  if (form.ports.some((port) => !/^\d+$/.test(port.trim()) || Number(port) > 65535)) errors["approval.autoApprove.ports"] = "ports are whole numbers from 0 to 65535";
  if (form.groups.length === 0 && from === "" && to === "" && form.ports.length === 0 && form.maxDuration === "") {
    errors["approval.autoApprove"] = "state at least one condition (groups, hours, ports or a maximum duration): a rule without one would approve every request";
  }
  return errors;
}

function autoApproveFromForm(form: AutoApproveForm): AutoApprovalRule | null {
  if (!form.on) return null;
  const from = form.from.trim();
  const to = form.to.trim();
  return {
    name: form.name.trim(),
    groups: [...form.groups],
    hours: from === "" && to === "" ? null : { from, to, timeZone: form.timeZone.trim() === "" ? "UTC" : form.timeZone.trim() },
    ports: form.ports.map((port) => Number(port.trim())),
    maxDuration: form.maxDuration === "" ? null : form.maxDuration,
  };
}

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
  /** "Approve automatically" by rule. */
  autoApprove: AutoApproveForm;
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
  autoApprove: defaultAutoApproveForm,
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
    autoApprove: autoApproveFormFrom(settings.autoApprove),
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
  const errors: FieldErrors = { ...validateAutoApprove(form.autoApprove) };
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
    ...(form.autoApprove.on ? { autoApprove: autoApproveFromForm(form.autoApprove) } : {}),
  };
}
