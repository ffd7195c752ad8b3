import { Button } from "@mui/material";
import UploadIcon from "@mui/icons-material/FileUploadOutlined";
import DownloadIcon from "@mui/icons-material/FileDownloadOutlined";
import { useCurrentUser } from "../../../lib/auth/current-user.tsx";
import { canSomewhere } from "../../../lib/permissions.ts";
import { usePolicyActions } from "../hooks/policy-actions.tsx";

/** Import (from Defender's JSON) and Export on the JIT page's toolbar, for users who may write policies. */
export function PolicyToolbarActions() {
  const me = useCurrentUser();
  const actions = usePolicyActions();
  if (!canSomewhere(me, "jit.policy.write")) return null;
  return (
    <>
      <Button variant="outlined" size="small" startIcon={<UploadIcon />} onClick={actions.importPolicies}>
        Import
      </Button>
      <Button
        variant="outlined"
        size="small"
        startIcon={<DownloadIcon />}
        loading={actions.exporting}
        loadingPosition="start"
        onClick={() => actions.exportPolicies()}
      >
        Export
      </Button>
    </>
  );
}
