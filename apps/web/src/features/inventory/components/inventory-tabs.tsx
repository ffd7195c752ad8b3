import { Tab, Tabs } from "@mui/material";
import { inventoryTabs, type InventoryTab, type TabCounts } from "@portcullis/contract";
import { formatCount } from "../../../lib/format.ts";
import { tabLabels } from "../utils/tab-param.ts";

export const tabPanelId = "inventory-tabpanel";

export function tabId(tab: InventoryTab): string {
  return `inventory-tab-${tab}`;
}

type InventoryTabsProps = {
  tab: InventoryTab;
  counts: TabCounts | undefined;
  onChange: (tab: InventoryTab) => void;
};

export function InventoryTabs({ tab, counts, onChange }: InventoryTabsProps) {
  return (
    <Tabs
      value={tab}
      onChange={(_event, value: unknown) => {
        const next = inventoryTabs.find((candidate) => candidate === value);
        if (next) onChange(next);
      }}
      aria-label="VMs by JIT status"
      variant="scrollable"
      scrollButtons="auto"
      allowScrollButtonsMobile
      sx={{ px: 1, borderBottom: 1, borderColor: "divider" }}
    >
      {inventoryTabs.map((value) => (
        <Tab
          key={value}
          value={value}
          id={tabId(value)}
          aria-controls={tabPanelId}
          label={counts ? `${tabLabels[value]} (${formatCount(counts[value])})` : tabLabels[value]}
        />
      ))}
    </Tabs>
  );
}
