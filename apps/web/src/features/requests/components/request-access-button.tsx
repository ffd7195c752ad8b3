import { Button } from "@mui/material";
import LockOpenIcon from "@mui/icons-material/LockOpenOutlined";
import type { VmRow } from "@portcullis/contract";
import { canOnVm } from "../../../lib/permissions.ts";
import { useRequestAccess } from "../hooks/request-access.tsx";
import { requestTargetOf } from "../utils/request-target.ts";

type RequestAccessButtonProps = {
  /** The selected rows; the button acts on exactly one VM the user may request access to. */
  rows: readonly VmRow[];
  variant?: "contained" | "outlined";
};

/** "Request access" for the selected VM (the Configured tab's selection bar, the Properties blade). */
export function RequestAccessButton({ rows, variant = "outlined" }: RequestAccessButtonProps) {
  const request = useRequestAccess();
  const only = rows.length === 1 ? rows[0] : undefined;
  const target = only && canOnVm(only, "jit.request.create") ? only : undefined;
  return (
    <Button
      variant={variant}
      size="small"
      startIcon={<LockOpenIcon />}
      disabled={target === undefined}
      onClick={() => {
        if (target) request.open(requestTargetOf(target));
      }}
    >
      Request access
    </Button>
  );
}
