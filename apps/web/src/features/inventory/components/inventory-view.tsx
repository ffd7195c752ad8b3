import { useEffect, useReducer, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { Box, Paper, Stack, Typography } from "@mui/material";
import type { InventoryTab, VmRow } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useCurrentUser } from "../../../lib/auth/current-user.tsx";
import { canTenantWide } from "../../../lib/permissions.ts";
import { useVms } from "../api/get-vms.ts";
import { useRefreshInventory } from "../api/refresh-inventory.ts";
import { useInventoryTab } from "../hooks/use-inventory-tab.ts";
import { hasFilters, initialVmTableState, toVmsQuery, vmFiltersFromSearch, vmTableReducer, withVmFilters } from "../utils/vm-table-state.ts";
import type { InventoryExtensions } from "./inventory-extensions.ts";
import { InventoryTabs, tabId, tabPanelId } from "./inventory-tabs.tsx";
import { InventoryToolbar } from "./inventory-toolbar.tsx";
import { SelectionBar } from "./selection-bar.tsx";
import { columnsByTab } from "./vm-columns.tsx";
import { VmFiltersBar } from "./vm-filters.tsx";
import { VmTable, type RowSelection } from "./vm-table.tsx";
import { VmTableEmpty } from "./vm-table-empty.tsx";

/** The selected rows (kept whole: actions need their OS and permissions) and the tab they belong to. */
type Selection = { tab: InventoryTab; vms: ReadonlyMap<string, VmRow> };

const noVms: ReadonlyMap<string, VmRow> = new Map();

function toggled(current: ReadonlyMap<string, VmRow>, vms: readonly VmRow[], select: boolean): ReadonlyMap<string, VmRow> {
  const next = new Map(current);
  for (const vm of vms) {
    if (select) next.set(vm.id, vm);
    else next.delete(vm.id);
  }
  return next;
}

/**
 * The JIT page: VMs sorted into Configured / Recommended / No recommendation, paged by the BFF, which
 * lists only the VMs the user may see. Actions the user cannot take are not shown.
 */
export function InventoryView({ extensions = {} }: { extensions?: InventoryExtensions }) {
  const me = useCurrentUser();
  // Refreshing re-reads the whole estate, so it is a tenant-wide action.
  const mayRefresh = canTenantWide(me, "jit.inventory.refresh");
  const [tab, selectTab] = useInventoryTab();
  // The filters start from the address and are written back to it, so a reload or a shared link keeps them.
  const [search, setSearch] = useSearchParams();
  const [table, dispatch] = useReducer(vmTableReducer, search, (initial) => ({ ...initialVmTableState, filters: vmFiltersFromSearch(initial) }));
  // setSearch changes with every address; the filters alone decide when to write them.
  const writeSearch = useRef(setSearch);
  writeSearch.current = setSearch;
  useEffect(() => {
    writeSearch.current(
      (current) => {
        const next = withVmFilters(current, table.filters);
        return next.toString() === current.toString() ? current : next;
      },
      { replace: true },
    );
  }, [table.filters]);
  // Remounting the filter bar is how "Clear filters" also empties the name field it owns.
  const [filtersVersion, setFiltersVersion] = useState(0);
  const [selection, setSelection] = useState<Selection>({ tab, vms: noVms });
  const vms = useVms(toVmsQuery(table, tab));
  const refresh = useRefreshInventory();

  const data = vms.data;
  // While another tab's page is still the placeholder, its rows must not appear under this tab.
  const rows = data && data.query.tab === tab ? data.items : undefined;
  const filtered = hasFilters(table.filters);
  // A selection belongs to its tab: switching tabs starts with none.
  const selectedVms = selection.tab === tab ? selection.vms : noVms;
  const clearSelection = () => setSelection({ tab, vms: noVms });
  const columns = extensions.columns ? extensions.columns(tab, columnsByTab[tab]) : columnsByTab[tab];

  function clearFilters() {
    dispatch({ type: "clearFilters" });
    setFiltersVersion((version) => version + 1);
  }

  const canSelect = extensions.selectable?.[tab];
  const rowSelection: RowSelection | undefined = canSelect
    ? {
        selected: new Set(selectedVms.keys()),
        canSelect,
        onToggle: (toggledVms, select) =>
          setSelection((current) => ({ tab, vms: toggled(current.tab === tab ? current.vms : noVms, toggledVms, select) })),
      }
    : undefined;
  const selectedList = [...selectedVms.values()];

  return (
    <Stack spacing={2}>
      <Typography variant="h1">Just-in-time VM access</Typography>
      <InventoryToolbar
        refreshedAt={data?.refreshedAt}
        refreshing={refresh.isPending}
        onRefresh={mayRefresh ? () => refresh.mutate(undefined, { onSuccess: clearSelection }) : undefined}
        actions={extensions.toolbarActions}
      />
      {refresh.isError ? (
        <ErrorAlert error={refresh.error} title="Refresh failed" onClose={() => refresh.reset()} />
      ) : null}
      <Paper variant="outlined">
        <InventoryTabs tab={tab} counts={data?.counts} onChange={selectTab} />
        <Box role="tabpanel" id={tabPanelId} aria-labelledby={tabId(tab)}>
          <VmFiltersBar
            key={filtersVersion}
            filters={table.filters}
            facets={data?.facets}
            onChange={(patch) => dispatch({ type: "filter", patch })}
          />
          {rowSelection ? (
            <SelectionBar
              count={selectedVms.size}
              onClear={clearSelection}
              actions={extensions.selectionActions?.(tab, selectedList, clearSelection)}
            />
          ) : null}
          {extensions.tabNotice?.(tab)}
          {vms.isError ? (
            <Box sx={{ px: 2, pb: 2 }}>
              <ErrorAlert
                error={vms.error}
                title="The VM list could not be loaded"
                onRetry={() => void vms.refetch()} retrying={vms.isFetching} />
            </Box>
          ) : null}
          {vms.isError && rows === undefined ? null : (
            <VmTable
              tab={tab}
              columns={columns}
              rows={rows}
              total={rows ? (data?.total ?? 0) : 0}
              updating={rows !== undefined && vms.isFetching}
              sort={table.sort}
              order={table.order}
              onSort={(field) => dispatch({ type: "sort", field })}
              page={table.pages[tab]}
              pageSize={table.pageSize}
              onPageChange={(page) => dispatch({ type: "page", tab, page })}
              onPageSizeChange={(pageSize) => dispatch({ type: "pageSize", pageSize })}
              selection={rowSelection}
              empty={
                <VmTableEmpty
                  tab={tab}
                  filtered={filtered}
                  total={data?.total ?? 0}
                  onClearFilters={clearFilters}
                  onFirstPage={() => dispatch({ type: "page", tab, page: 1 })}
                />
              }
            />
          )}
        </Box>
      </Paper>
    </Stack>
  );
}
