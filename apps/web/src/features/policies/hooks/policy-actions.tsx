import { createContext, useContext } from "react";
import type { VmRow } from "@portcullis/contract";

export type ActionVm = { id: string; name: string; osType: "Linux" | "Windows" | null };

/** Opens the feature's blades and dialogs from anywhere on the JIT page (table rows, selection bar, toolbar). */
export type PolicyActions = {
  enable: (vms: readonly ActionVm[], options?: { onSaved?: () => void }) => void;
  edit: (vms: readonly ActionVm[], options?: { onSaved?: () => void }) => void;
  /** The whole row, so the blade can offer what the user may do on that VM. */
  showProperties: (vm: VmRow) => void;
  remove: (vm: ActionVm, options?: { onRemoved?: () => void }) => void;
  importPolicies: () => void;
  /** Downloads all policies the caller may read, or one VM's. */
  exportPolicies: (vm?: ActionVm) => void;
  exporting: boolean;
};

export const PolicyActionsContext = createContext<PolicyActions | undefined>(undefined);

export function usePolicyActions(): PolicyActions {
  const actions = useContext(PolicyActionsContext);
  if (!actions) throw new Error("usePolicyActions must be used inside <PolicyActionsProvider>.");
  return actions;
}
