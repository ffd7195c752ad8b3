import type { ReactNode } from "react";
import { Button, Stack, Typography } from "@mui/material";
import RefreshIcon from "@mui/icons-material/Refresh";
import { formatTimestamp } from "../../../lib/format.ts";

type InventoryToolbarProps = {
  /** When the BFF last read the estate from Azure; undefined until known. */
  refreshedAt: string | undefined;
  refreshing: boolean;
  /** Absent when the user may not refresh: the button is not shown. */
  onRefresh: (() => void) | undefined;
  /** More buttons (Import, Export), after Refresh. */
  actions?: ReactNode;
};

export function InventoryToolbar({ refreshedAt, refreshing, onRefresh, actions }: InventoryToolbarProps) {
  return (
    <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }}>
      {onRefresh ? (
        <Button
          variant="outlined"
          size="small"
          startIcon={<RefreshIcon />}
          loading={refreshing}
          loadingPosition="start"
          onClick={onRefresh}
        >
          Refresh
        </Button>
      ) : null}
      {actions}
      {refreshedAt ? (
        <Typography variant="body2" sx={{ color: "text.secondary" }}>
          Last read from Azure: <time dateTime={refreshedAt}>{formatTimestamp(refreshedAt)}</time>
        </Typography>
      ) : null}
    </Stack>
  );
}
