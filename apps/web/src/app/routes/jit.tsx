import { useQueryClient } from "@tanstack/react-query";
import LockOpenIcon from "@mui/icons-material/LockOpenOutlined";
import type { InventoryTab, MeResponse, VmRow } from "@portcullis/contract";
import { inventoryKeys } from "../../features/inventory/api/inventory-keys.ts";
import type { InventoryExtensions } from "../../features/inventory/components/inventory-extensions.ts";
import { InventoryView } from "../../features/inventory/components/inventory-view.tsx";
import type { VmColumn } from "../../features/inventory/components/vm-columns.tsx";
import { policyKeys } from "../../features/policies/api/policy-keys.ts";
import { PolicyActionsProvider } from "../../features/policies/components/policy-actions-provider.tsx";
import { PoliciesLoadAlert, PolicyPortsCell } from "../../features/policies/components/policy-ports-cell.tsx";
import { PolicyRowMenu, type RowMenuItem } from "../../features/policies/components/policy-row-menu.tsx";
import { PolicySelectionActions } from "../../features/policies/components/policy-selection-actions.tsx";
import { PolicyToolbarActions } from "../../features/policies/components/policy-toolbar-actions.tsx";
import { RequestAccessButton } from "../../features/requests/components/request-access-button.tsx";
import { RequestAccessProvider } from "../../features/requests/components/request-access-provider.tsx";
import { GrantsChangedProvider } from "../../features/requests/hooks/grants-changed.tsx";
import { useRequestAccess } from "../../features/requests/hooks/request-access.tsx";
import { requestTargetOf } from "../../features/requests/utils/request-target.ts";
import { useCurrentUser } from "../../lib/auth/current-user.tsx";
import { canOnVm, canSomewhere } from "../../lib/permissions.ts";

const mayWritePolicy = (vm: VmRow) => canOnVm(vm, "jit.policy.write");
const mayRequest = (vm: VmRow) => canOnVm(vm, "jit.request.create");

/** The policies feature's `...` menu, led by the requests feature's "Request access" where the user may ask. */
function ConfiguredRowMenu({ vm }: { vm: VmRow }) {
  const request = useRequestAccess();
  const items: RowMenuItem[] = mayRequest(vm)
    ? [{ label: "Request access", icon: <LockOpenIcon fontSize="small" />, run: () => request.open(requestTargetOf(vm)) }]
    : [];
  return <PolicyRowMenu vm={vm} leadingItems={items} />;
}

const portsColumn: VmColumn = { id: "ports", header: "Ports", minWidth: 220, render: (vm) => <PolicyPortsCell vmId={vm.id} /> };
const actionsColumn: VmColumn = { id: "actions", header: "Actions", width: 72, render: (vm) => <ConfiguredRowMenu vm={vm} /> };

/** Request access from the Properties blade, on a VM the user may ask for. */
const propertiesActions = (vm: VmRow) => (mayRequest(vm) ? <RequestAccessButton rows={[vm]} variant="contained" /> : null);

/** The JIT policies and access requests features plugged into the inventory's tabs, as far as the user may use them. */
function jitExtensions(me: MeResponse): InventoryExtensions {
  const writes = canSomewhere(me, "jit.policy.write");
  const requests = canSomewhere(me, "jit.request.create");
  // Recommended: select to enable; Configured: select several to edit them alike, or one to request access.
  const selectable: InventoryExtensions["selectable"] = {
    ...(writes ? { recommended: mayWritePolicy } : {}),
    ...(writes || requests ? { configured: (vm: VmRow) => mayWritePolicy(vm) || mayRequest(vm) } : {}),
  };
  return {
    toolbarActions: <PolicyToolbarActions />,
    selectionActions: (tab, vms, clearSelection) => (
      <>
        {tab === "configured" && requests ? <RequestAccessButton rows={vms} variant="contained" /> : null}
        <PolicySelectionActions tab={tab} rows={vms} onDone={clearSelection} />
      </>
    ),
    columns: (tab: InventoryTab, columns) =>
      tab === "configured" ? [...columns.filter((column) => column.id !== "reason"), portsColumn, actionsColumn] : columns,
    tabNotice: (tab) => (tab === "configured" ? <PoliciesLoadAlert /> : null),
    ...(writes || requests ? { selectable } : {}),
  };
}

export function JitRoute() {
  const queryClient = useQueryClient();
  const extensions = jitExtensions(useCurrentUser());
  const refreshInventory = () => queryClient.invalidateQueries({ queryKey: inventoryKeys.all });
  return (
    // Opened or closed access changes the VM's NSG rules (the Properties blade) and its row.
    <GrantsChangedProvider onChanged={() => Promise.all([refreshInventory(), queryClient.invalidateQueries({ queryKey: policyKeys.all })])}>
      <RequestAccessProvider>
        {/* A saved, removed or imported policy moves VMs between the inventory's tabs. */}
        <PolicyActionsProvider onPoliciesChanged={refreshInventory} propertiesActions={propertiesActions}>
          <InventoryView extensions={extensions} />
        </PolicyActionsProvider>
      </RequestAccessProvider>
    </GrantsChangedProvider>
  );
}
