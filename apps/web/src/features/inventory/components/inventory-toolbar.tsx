import { Button, Stack, Typography } from "@mui/material";
import RefreshIcon from "@mui/icons-material/Refresh";
import { formatTimestamp } from "../../../lib/format.ts";

type InventoryToolbarProps = {
  /** When the BFF last read the estate from Azure; undefined until known. */
  refreshedAt: string | undefined;
  refreshing: boolean;
  onRefresh: () => void;
};

export function InventoryToolbar({ refreshedAt, refreshing, onRefresh }: InventoryToolbarProps) {
  return (
    <Stack direction="row" spacing={2} sx={{ alignItems: "center", flexWrap: "wrap" }}>
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
      {refreshedAt ? (
        <Typography variant="body2" sx={{ color: "text.secondary" }}>
          Last read from Azure: <time dateTime={refreshedAt}>{formatTimestamp(refreshedAt)}</time>
        </Typography>
      ) : null}
    </Stack>
  );
}
