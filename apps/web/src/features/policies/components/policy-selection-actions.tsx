import { Button } from "@mui/material";
import type { InventoryTab, VmRow } from "@portcullis/contract";
import { canOnVm } from "../../../lib/permissions.ts";
import { usePolicyActions } from "../hooks/policy-actions.tsx";

type PolicySelectionActionsProps = {
  tab: InventoryTab;
  /** The selected rows (across pages). */
  rows: readonly VmRow[];
  /** Clears the selection once the change is saved (the rows move to another tab). */
  onDone: () => void;
};

function vmCount(count: number): string {
  return `${count} VM${count === 1 ? "" : "s"}`;
}

/**
 * "Enable JIT on N VMs" (Recommended) or "Edit JIT on N VMs" (Configured): shown only when every
 * selected VM allows the user to write its policy.
 */
export function PolicySelectionActions({ tab, rows, onDone }: PolicySelectionActionsProps) {
  const actions = usePolicyActions();
  if (rows.length === 0 || !rows.every((vm) => canOnVm(vm, "jit.policy.write"))) return null;
  if (tab === "recommended") {
    return (
      <Button variant="contained" size="small" onClick={() => actions.enable(rows, { onSaved: onDone })}>
        Enable JIT on {vmCount(rows.length)}
      </Button>
    );
  }
  if (tab === "configured") {
    return (
      <Button variant="contained" size="small" onClick={() => actions.edit(rows, { onSaved: onDone })}>
        Edit JIT on {vmCount(rows.length)}
      </Button>
    );
  }
  return null;
}
