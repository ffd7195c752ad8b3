import type { ReactNode } from "react";
import type { InventoryTab, VmRow } from "@portcullis/contract";
import type { VmColumn } from "./vm-columns.tsx";

/**
 * What the page composing the inventory adds to it (the JIT policies feature: selection, the
 * "Enable JIT" action, policy columns and row menus). Features do not import each other; the
 * route passes these in.
 */
export type InventoryExtensions = {
  /** Buttons after Refresh on the toolbar. */
  toolbarActions?: ReactNode;
  /** Tabs whose rows can be selected, each with who may select a row; other tabs have no checkboxes. */
  selectable?: Partial<Record<InventoryTab, (vm: VmRow) => boolean>>;
  /** Actions for the selected rows (across pages), shown in the selection bar. */
  selectionActions?: (tab: InventoryTab, vms: readonly VmRow[], clearSelection: () => void) => ReactNode;
  /** A tab's columns, given the inventory's own. */
  columns?: (tab: InventoryTab, columns: readonly VmColumn[]) => readonly VmColumn[];
  /** Shown above a tab's table (a problem with data joined into its rows). */
  tabNotice?: (tab: InventoryTab) => ReactNode;
};
