import type { ReactNode } from "react";
import type { InventoryTab, VmRow } from "@portcullis/contract";
import type { SortField } from "../utils/vm-table-state.ts";
import { ExposureChips } from "./exposure-chips.tsx";
import { VmNameCell } from "./vm-name-cell.tsx";

export type VmColumn = {
  id: string;
  header: string;
  /** Set when the API can sort by this column. */
  sortField?: SortField;
  width?: number | string;
  minWidth?: number;
  /** Gets the row with `callerPermissions`, so a cell can offer only what the user may do. */
  render: (vm: VmRow) => ReactNode;
};

const name: VmColumn = { id: "name", header: "Name", sortField: "name", width: "22%", render: (vm) => <VmNameCell vm={vm} /> };
const resourceGroup: VmColumn = {
  id: "resourceGroup",
  header: "Resource group",
  sortField: "resourceGroup",
  render: (vm) => vm.resourceGroup,
};
const subscription: VmColumn = {
  id: "subscription",
  header: "Subscription",
  sortField: "subscription",
  render: (vm) => <span title={vm.subscriptionId}>{vm.subscriptionName}</span>,
};
const os: VmColumn = { id: "os", header: "OS", render: (vm) => vm.osType ?? "Unknown" };
const exposure: VmColumn = { id: "exposure", header: "Exposure", minWidth: 170, render: (vm) => <ExposureChips exposure={vm.exposure} /> };
const reason: VmColumn = { id: "reason", header: "Reason", width: "30%", render: (vm) => vm.reason };

export const columnsByTab: Record<InventoryTab, readonly VmColumn[]> = {
  configured: [name, resourceGroup, subscription, reason],
  recommended: [name, resourceGroup, subscription, os, exposure, reason],
  none: [name, resourceGroup, subscription, reason],
};
