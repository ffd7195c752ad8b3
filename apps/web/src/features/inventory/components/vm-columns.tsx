import type { ReactNode } from "react";
import type { InventoryTab, VmRow } from "@portcullis/contract";
import { formatTimestamp } from "../../../lib/format.ts";
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
// From the activity log (null when the user may not read this VM's activity: shown as a dash).
const dash = "—";
const approvedRequests: VmColumn = {
  id: "approvedRequests",
  header: "Approved requests (7 days)",
  render: (vm) => (vm.activity ? String(vm.activity.approvedLast7Days) : dash),
};
const lastAccess: VmColumn = {
  id: "lastAccess",
  header: "Last access",
  render: (vm) => (vm.activity?.lastAccessAt ? <time dateTime={vm.activity.lastAccessAt}>{formatTimestamp(vm.activity.lastAccessAt)}</time> : dash),
};
const lastUser: VmColumn = { id: "lastUser", header: "Last user", render: (vm) => vm.activity?.lastUser ?? dash };

export const columnsByTab: Record<InventoryTab, readonly VmColumn[]> = {
  configured: [name, resourceGroup, subscription, approvedRequests, lastAccess, lastUser, reason],
  recommended: [name, resourceGroup, subscription, os, exposure, reason],
  none: [name, resourceGroup, subscription, reason],
};
