import { useMemo, useState, type ReactNode } from "react";
import { useSearchParams } from "react-router";
import type { VmRow } from "@portcullis/contract";
import { Alert, Snackbar } from "@mui/material";
import { errorMessage } from "../../../lib/api-error.ts";
import { vmNameFromId } from "../../../lib/vm-name.ts";
import { useExportPolicies } from "../api/export-policies.ts";
import { PoliciesChangedProvider } from "../hooks/policies-changed.tsx";
import { PolicyActionsContext, type ActionVm, type PolicyActions } from "../hooks/policy-actions.tsx";
import { ImportPoliciesDialog } from "./import-policies-dialog.tsx";
import { PolicyBlade, type PolicyBladeTarget } from "./policy-blade.tsx";
import { PropertiesBlade } from "./properties-blade.tsx";
import { RemovePolicyDialog } from "./remove-policy-dialog.tsx";

type PolicyActionsProviderProps = {
  /** What else to refetch after a policy changes (the page's inventory). */
  onPoliciesChanged: () => Promise<unknown> | void;
  /** Buttons another feature adds to the Properties blade's footer (Request access), given the VM's row. */
  propertiesActions?: (vm: VmRow) => ReactNode;
  children: ReactNode;
};

type Followed<T> = { value: T; then?: () => void };

/** The address parameter (repeated) naming the VMs whose Edit blade is open: a reload or a shared link opens it again. */
export const editParam = "edit";

/**
 * The Enable/Edit blade's target: an Edit blade follows the address (opened from the page it carries the rows the
 * page knew; from a reload only the ids); an Enable blade (a selection of unprotected VMs) lives in the page only.
 */
function usePolicyBladeTarget() {
  const [search, setSearch] = useSearchParams();
  const editKey = search.getAll(editParam).join("|");
  const [opened, setOpened] = useState<Followed<PolicyBladeTarget> | undefined>(undefined);
  const target = useMemo((): PolicyBladeTarget | undefined => {
    if (editKey === "") return opened?.value.mode === "enable" ? opened.value : undefined;
    if (opened?.value.mode === "edit" && opened.value.vms.map((vm) => vm.id).join("|") === editKey) return opened.value;
    return { mode: "edit", vms: editKey.split("|").map((id) => ({ id, name: vmNameFromId(id), osType: null })) };
  }, [editKey, opened]);
  const withEdit = (vmIds: readonly string[]) =>
    setSearch((current) => {
      const next = new URLSearchParams(current);
      next.delete(editParam);
      for (const id of vmIds) next.append(editParam, id);
      return next;
    });
  return {
    target,
    then: opened?.then,
    open: (followed: Followed<PolicyBladeTarget>) => {
      setOpened(followed);
      withEdit(followed.value.mode === "edit" ? followed.value.vms.map((vm) => vm.id) : []);
    },
    close: () => {
      setOpened(undefined);
      withEdit([]);
    },
  };
}

function exportFileName(vm: ActionVm | undefined): string {
  return vm ? `jit-policy-${vm.name}.json` : "jit-policies.json";
}

/** Holds the one Enable/Edit blade, Properties blade, Remove and Import dialogs of the JIT page. */
export function PolicyActionsProvider({ onPoliciesChanged, propertiesActions, children }: PolicyActionsProviderProps) {
  const blade = usePolicyBladeTarget();
  const [properties, setProperties] = useState<VmRow | undefined>(undefined);
  const [removing, setRemoving] = useState<Followed<ActionVm> | undefined>(undefined);
  const [importing, setImporting] = useState(false);
  const exporter = useExportPolicies();

  const actions: PolicyActions = {
    enable: (vms, options) => blade.open({ value: { mode: "enable", vms }, then: options?.onSaved }),
    edit: (vms, options) => blade.open({ value: { mode: "edit", vms }, then: options?.onSaved }),
    showProperties: setProperties,
    remove: (vm, options) => setRemoving({ value: vm, then: options?.onRemoved }),
    importPolicies: () => setImporting(true),
    exportPolicies: (vm) => exporter.mutate({ vmId: vm?.id, fileName: exportFileName(vm) }),
    exporting: exporter.isPending,
  };

  return (
    <PoliciesChangedProvider onChanged={onPoliciesChanged}>
      <PolicyActionsContext value={actions}>
        {children}
        <PolicyBlade target={blade.target} onClose={blade.close} onSaved={() => blade.then?.()} />
        <PropertiesBlade vm={properties} onClose={() => setProperties(undefined)} actions={propertiesActions} />
        <RemovePolicyDialog vm={removing?.value} onClose={() => setRemoving(undefined)} onRemoved={() => removing?.then?.()} />
        <ImportPoliciesDialog open={importing} onClose={() => setImporting(false)} />
        <Snackbar open={exporter.isError} onClose={() => exporter.reset()} anchorOrigin={{ vertical: "bottom", horizontal: "center" }}>
          <Alert severity="error" onClose={() => exporter.reset()} variant="filled">
            The export failed: {errorMessage(exporter.error)}
          </Alert>
        </Snackbar>
      </PolicyActionsContext>
    </PoliciesChangedProvider>
  );
}
