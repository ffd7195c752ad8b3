import type { ReactNode } from "react";
import { Box, Checkbox, LinearProgress, Table, TableBody, TableCell, TableContainer, TablePagination, TableRow } from "@mui/material";
import type { InventoryTab, VmRow } from "@portcullis/contract";
import { stackedTableSx } from "../../../components/stacked-table.ts";
import { tabLabels } from "../utils/tab-param.ts";
import { pageSizeOptions, type SortField, type SortOrder } from "../utils/vm-table-state.ts";
import type { VmColumn } from "./vm-columns.tsx";
import { VmTableHead } from "./vm-table-head.tsx";
import { VmTableSkeletonRows } from "./vm-table-skeleton.tsx";

export type RowSelection = {
  selected: ReadonlySet<string>;
  onToggle: (vms: readonly VmRow[], select: boolean) => void;
  /** Rows the user may act on get a checkbox; the others an empty cell. */
  canSelect: (vm: VmRow) => boolean;
};

type VmTableProps = {
  tab: InventoryTab;
  columns: readonly VmColumn[];
  /** Undefined while the first page of this tab loads. */
  rows: readonly VmRow[] | undefined;
  total: number;
  /** A newer page is on its way; the rows shown are the previous ones. */
  updating: boolean;
  sort: SortField;
  order: SortOrder;
  onSort: (field: SortField) => void;
  /** 1-based, as in the API. */
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  onPageSizeChange: (pageSize: number) => void;
  /** Given on tabs whose rows can be selected. */
  selection?: RowSelection;
  empty: ReactNode;
};

function VmTableRow({ vm, columns, selection }: { vm: VmRow; columns: readonly VmColumn[]; selection?: RowSelection }) {
  const selected = selection?.selected.has(vm.id) ?? false;
  return (
    <TableRow hover selected={selected}>
      {selection ? (
        <TableCell padding="checkbox">
          {selection.canSelect(vm) ? (
            <Checkbox
              size="small"
              checked={selected}
              onChange={(event) => selection.onToggle([vm], event.target.checked)}
              slotProps={{ input: { "aria-label": `Select ${vm.name}` } }}
            />
          ) : null}
        </TableCell>
      ) : null}
      {columns.map((column) => (
        <TableCell key={column.id} data-label={column.header}>
          {column.render(vm)}
        </TableCell>
      ))}
    </TableRow>
  );
}

export function VmTable(props: VmTableProps) {
  const { tab, columns, rows, total, updating, selection } = props;
  const columnCount = columns.length + (selection ? 1 : 0);
  // "Select all" takes the rows of this page the user may act on.
  const selectableRows = selection ? (rows ?? []).filter((vm) => selection.canSelect(vm)) : [];
  const selectedOnPage = selection ? selectableRows.filter((vm) => selection.selected.has(vm.id)).length : 0;
  const lastPageIndex = Math.max(0, Math.ceil(total / props.pageSize) - 1);

  return (
    <Box sx={{ position: "relative" }}>
      {updating ? (
        <LinearProgress aria-label="Loading VMs" sx={{ position: "absolute", top: 0, left: 0, right: 0, zIndex: 1 }} />
      ) : null}
      <TableContainer>
        <Table aria-label={`${tabLabels[tab]} VMs`} aria-busy={rows === undefined || updating} sx={stackedTableSx}>
          <VmTableHead
            columns={columns}
            sort={props.sort}
            order={props.order}
            onSort={props.onSort}
            selection={
              selection
                ? {
                    selected: selectedOnPage,
                    rows: selectableRows.length,
                    onToggleAll: (select) => selection.onToggle(selectableRows, select),
                  }
                : undefined
            }
          />
          <TableBody sx={{ opacity: updating ? 0.6 : 1, transition: "opacity 120ms" }}>
            {rows === undefined ? (
              <VmTableSkeletonRows columns={columnCount} rows={Math.min(props.pageSize, 8)} />
            ) : rows.length === 0 ? (
              <TableRow>
                <TableCell colSpan={columnCount} sx={{ py: 5, borderBottom: "none" }}>
                  {props.empty}
                </TableCell>
              </TableRow>
            ) : (
              rows.map((vm) => <VmTableRow key={vm.id} vm={vm} columns={columns} selection={selection} />)
            )}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={total}
        page={Math.min(props.page - 1, lastPageIndex)}
        rowsPerPage={props.pageSize}
        rowsPerPageOptions={pageSizeOptions}
        onPageChange={(_event, pageIndex) => props.onPageChange(pageIndex + 1)}
        onRowsPerPageChange={(event) => props.onPageSizeChange(Number(event.target.value))}
        disabled={rows === undefined}
      />
    </Box>
  );
}
