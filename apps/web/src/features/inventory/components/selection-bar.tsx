import { Button, Stack, Typography } from "@mui/material";
import { formatCount } from "../../../lib/format.ts";

/** How many recommended VMs are selected (across pages); enabling JIT on them is a later feature. */
export function SelectionBar({ count, onClear }: { count: number; onClear: () => void }) {
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "center", px: 2, pb: 1, minHeight: 36 }}>
      <Typography variant="body2" role="status" sx={{ fontWeight: count > 0 ? 600 : 400 }}>
        {formatCount(count)} selected
      </Typography>
      {count > 0 ? (
        <Button size="small" onClick={onClear}>
          Clear selection
        </Button>
      ) : null}
    </Stack>
  );
}
