import { useReducer, useState } from "react";
import { Box, Paper, Stack, Typography } from "@mui/material";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useVms } from "../api/get-vms.ts";
import { useRefreshInventory } from "../api/refresh-inventory.ts";
import { useInventoryTab } from "../hooks/use-inventory-tab.ts";
import { hasFilters, initialVmTableState, toVmsQuery, vmTableReducer } from "../utils/vm-table-state.ts";
import { InventoryTabs, tabId, tabPanelId } from "./inventory-tabs.tsx";
import { InventoryToolbar } from "./inventory-toolbar.tsx";
import { SelectionBar } from "./selection-bar.tsx";
import { VmFiltersBar } from "./vm-filters.tsx";
import { VmTable, type RowSelection } from "./vm-table.tsx";
import { VmTableEmpty } from "./vm-table-empty.tsx";

const noSelection: ReadonlySet<string> = new Set();

/** The JIT page: VMs sorted into Configured / Recommended / No recommendation, paged by the BFF. */
export function InventoryView() {
  const [tab, selectTab] = useInventoryTab();
  const [table, dispatch] = useReducer(vmTableReducer, initialVmTableState);
  // Remounting the filter bar is how "Clear filters" also empties the name field it owns.
  const [filtersVersion, setFiltersVersion] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<string>>(noSelection);
  const vms = useVms(toVmsQuery(table, tab));
  const refresh = useRefreshInventory();

  const data = vms.data;
  // While another tab's page is still the placeholder, its rows must not appear under this tab.
  const rows = data && data.query.tab === tab ? data.items : undefined;
  const filtered = hasFilters(table.filters);

  function clearFilters() {
    dispatch({ type: "clearFilters" });
    setFiltersVersion((version) => version + 1);
  }

  const selection: RowSelection | undefined =
    tab === "recommended"
      ? {
          selected,
          onToggle: (ids, select) =>
            setSelected((current) => {
              const next = new Set(current);
              for (const id of ids) {
                if (select) next.add(id);
                else next.delete(id);
              }
              return next;
            }),
        }
      : undefined;

  return (
    <Stack spacing={2}>
      <Typography variant="h1">Just-in-time VM access</Typography>
      <InventoryToolbar
        refreshedAt={data?.refreshedAt}
        refreshing={refresh.isPending}
        onRefresh={() => refresh.mutate(undefined, { onSuccess: () => setSelected(noSelection) })}
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
          {tab === "recommended" ? <SelectionBar count={selected.size} onClear={() => setSelected(noSelection)} /> : null}
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
              selection={selection}
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
