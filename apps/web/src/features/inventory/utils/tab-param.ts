import { inventoryTabs, type InventoryTab } from "@portcullis/contract";

/** The search parameter that holds the selected tab, so a reload or a shared link keeps it. */
export const tabParam = "tab";
export const defaultTab: InventoryTab = "configured";

export const tabLabels: Record<InventoryTab, string> = {
  configured: "Configured",
  recommended: "Recommended",
  none: "No recommendation",
};

function isInventoryTab(value: string): value is InventoryTab {
  return (inventoryTabs as readonly string[]).includes(value);
}

/** The tab named in the URL; anything missing or unknown falls back to Configured. */
export function parseTab(search: URLSearchParams): InventoryTab {
  const value = search.get(tabParam);
  return value !== null && isInventoryTab(value) ? value : defaultTab;
}

/** The search parameters with `tab` set, keeping any others the URL carries. */
export function withTab(search: URLSearchParams, tab: InventoryTab): URLSearchParams {
  const next = new URLSearchParams(search);
  next.set(tabParam, tab);
  return next;
}
