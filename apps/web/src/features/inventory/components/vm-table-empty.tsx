import type { ReactNode } from "react";
import { Button, Stack, Typography } from "@mui/material";
import type { InventoryTab } from "@portcullis/contract";

type VmTableEmptyProps = {
  tab: InventoryTab;
  filtered: boolean;
  /** Rows matching the query; above zero means the page is past the end (the estate shrank). */
  total: number;
  onClearFilters: () => void;
  onFirstPage: () => void;
};

const emptyTab: Record<InventoryTab, { title: string; body: string }> = {
  configured: {
    title: "No VM has a just-in-time policy yet.",
    body: "VMs that JIT could protect are listed under Recommended: select them there and choose Enable JIT.",
  },
  recommended: {
    title: "No VM to recommend.",
    body: "Every VM behind a network security group already has a JIT policy, or JIT cannot protect it (see No recommendation).",
  },
  none: {
    title: "Every VM can be protected by JIT.",
    body: "VMs that JIT cannot protect, such as classic VMs or VMs without a network security group, would be listed here.",
  },
};

export function VmTableEmpty({ tab, filtered, total, onClearFilters, onFirstPage }: VmTableEmptyProps) {
  if (total > 0) {
    return (
      <EmptyMessage title="No VMs on this page." body="The list got shorter since this page was chosen.">
        <Button size="small" onClick={onFirstPage}>
          Go to the first page
        </Button>
      </EmptyMessage>
    );
  }
  if (filtered) {
    return (
      <EmptyMessage title="No VMs match these filters." body="Change or clear the filters to see more VMs.">
        <Button size="small" onClick={onClearFilters}>
          Clear filters
        </Button>
      </EmptyMessage>
    );
  }
  return <EmptyMessage {...emptyTab[tab]} />;
}

function EmptyMessage({ title, body, children }: { title: string; body: string; children?: ReactNode }) {
  return (
    <Stack spacing={1} sx={{ alignItems: "center", textAlign: "center" }}>
      <Typography variant="subtitle1" component="p" sx={{ fontWeight: 600 }}>
        {title}
      </Typography>
      <Typography variant="body2" sx={{ color: "text.secondary", maxWidth: 560 }}>
        {body}
      </Typography>
      {children}
    </Stack>
  );
}
