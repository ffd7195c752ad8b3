import { useQueryClient } from "@tanstack/react-query";
import type { InventoryTab, VmRow } from "@portcullis/contract";
import { inventoryKeys } from "../../features/inventory/api/inventory-keys.ts";
import type { InventoryExtensions } from "../../features/inventory/components/inventory-extensions.ts";
import { InventoryView } from "../../features/inventory/components/inventory-view.tsx";
import type { VmColumn } from "../../features/inventory/components/vm-columns.tsx";
import { PolicyActionsProvider } from "../../features/policies/components/policy-actions-provider.tsx";
import { PoliciesLoadAlert, PolicyPortsCell } from "../../features/policies/components/policy-ports-cell.tsx";
import { PolicyRowMenu } from "../../features/policies/components/policy-row-menu.tsx";
import { PolicySelectionActions } from "../../features/policies/components/policy-selection-actions.tsx";
import { PolicyToolbarActions } from "../../features/policies/components/policy-toolbar-actions.tsx";
import { useCurrentUser } from "../../lib/auth/current-user.tsx";
import { canOnVm, canSomewhere } from "../../lib/permissions.ts";

const mayWritePolicy = (vm: VmRow) => canOnVm(vm, "jit.policy.write");

const portsColumn: VmColumn = { id: "ports", header: "Ports", minWidth: 220, render: (vm) => <PolicyPortsCell vmId={vm.id} /> };
const actionsColumn: VmColumn = { id: "actions", header: "Actions", width: 72, render: (vm) => <PolicyRowMenu vm={vm} /> };

/** The JIT policies feature plugged into the inventory's tabs. */
const policyExtensions: InventoryExtensions = {
  toolbarActions: <PolicyToolbarActions />,
  selectionActions: (tab, vms, clearSelection) => <PolicySelectionActions tab={tab} rows={vms} onDone={clearSelection} />,
  columns: (tab: InventoryTab, columns) =>
    tab === "configured" ? [...columns.filter((column) => column.id !== "reason"), portsColumn, actionsColumn] : columns,
  tabNotice: (tab) => (tab === "configured" ? <PoliciesLoadAlert /> : null),
};

// Recommended: select to enable; Configured: select several to edit them alike.
const selectable: InventoryExtensions["selectable"] = { recommended: mayWritePolicy, configured: mayWritePolicy };

export function JitRoute() {
  const queryClient = useQueryClient();
  // Without the right to write a policy anywhere, there is nothing to select for.
  const extensions = canSomewhere(useCurrentUser(), "jit.policy.write") ? { ...policyExtensions, selectable } : policyExtensions;
  return (
    // A saved, removed or imported policy moves VMs between the inventory's tabs.
    <PolicyActionsProvider onPoliciesChanged={() => queryClient.invalidateQueries({ queryKey: inventoryKeys.all })}>
      <InventoryView extensions={extensions} />
    </PolicyActionsProvider>
  );
}
