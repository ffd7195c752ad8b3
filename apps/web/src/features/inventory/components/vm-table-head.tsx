import { Checkbox, TableCell, TableHead, TableRow, TableSortLabel } from "@mui/material";
import type { SortField, SortOrder } from "../utils/vm-table-state.ts";
import type { VmColumn } from "./vm-columns.tsx";

export type PageSelection = {
  /** How many rows of this page are selected, out of `rows`. */
  selected: number;
  rows: number;
  onToggleAll: (select: boolean) => void;
};

type VmTableHeadProps = {
  columns: readonly VmColumn[];
  sort: SortField;
  order: SortOrder;
  onSort: (field: SortField) => void;
  selection?: PageSelection;
};

export function VmTableHead({ columns, sort, order, onSort, selection }: VmTableHeadProps) {
  return (
    <TableHead>
      <TableRow>
        {selection ? (
          <TableCell padding="checkbox">
            <Checkbox
              size="small"
              disabled={selection.rows === 0}
              checked={selection.rows > 0 && selection.selected === selection.rows}
              indeterminate={selection.selected > 0 && selection.selected < selection.rows}
              onChange={(event) => selection.onToggleAll(event.target.checked)}
              slotProps={{ input: { "aria-label": "Select all VMs on this page" } }}
            />
          </TableCell>
        ) : null}
        {columns.map((column) => {
          const active = column.sortField !== undefined && column.sortField === sort;
          return (
            <TableCell key={column.id} sx={{ width: column.width, minWidth: column.minWidth, whiteSpace: "nowrap" }} sortDirection={active ? order : false}>
              {column.sortField ? (
                <TableSortLabel
                  active={active}
                  direction={active ? order : "asc"}
                  onClick={() => column.sortField && onSort(column.sortField)}
                >
                  {column.header}
                </TableSortLabel>
              ) : (
                column.header
              )}
            </TableCell>
          );
        })}
      </TableRow>
    </TableHead>
  );
}
