import type { ReactNode } from "react";
import { Box, Button, Stack, Typography } from "@mui/material";
import { formatCount } from "../../../lib/format.ts";

type SelectionBarProps = {
  count: number;
  onClear: () => void;
  /** What can be done with the selected VMs (e.g. "Enable JIT on N VMs"). */
  actions?: ReactNode;
};

/** How many VMs are selected (across pages), and what can be done with them. */
export function SelectionBar({ count, onClear, actions }: SelectionBarProps) {
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "center", px: 2, pb: 1, minHeight: 36 }}>
      {actions ? <Box sx={{ display: "flex", gap: 1 }}>{actions}</Box> : null}
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
