import { useCallback } from "react";
import { useSearchParams } from "react-router";
import type { InventoryTab } from "@portcullis/contract";
import { parseTab, withTab } from "../utils/tab-param.ts";

/** The selected tab, read from and written to `?tab=`, so it survives a reload and the Back button. */
export function useInventoryTab(): [InventoryTab, (tab: InventoryTab) => void] {
  const [search, setSearch] = useSearchParams();
  const tab = parseTab(search);
  const selectTab = useCallback((next: InventoryTab) => setSearch((current) => withTab(current, next)), [setSearch]);
  return [tab, selectTab];
}
