import { Box, Chip, Tooltip, Typography } from "@mui/material";
import type { VmRow } from "@portcullis/contract";
import { formatTimestamp } from "../../../lib/format.ts";

/** The reconciler's findings, shown to those who can fix them (policy writers). */
function DriftChip({ vm }: { vm: VmRow }) {
  if (!vm.drift || vm.drift.findings.length === 0 || !vm.callerPermissions.includes("jit.policy.write")) return null;
  const title = `Found ${formatTimestamp(vm.drift.detectedAt)}: ${vm.drift.findings.join("; ")}`;
  return (
    <Tooltip title={title}>
      <Chip size="small" color="error" variant="outlined" label="NSG drift" aria-label={`NSG drift: ${vm.drift.findings.join("; ")}`} sx={{ mt: 0.5 }} />
    </Tooltip>
  );
}

export function VmNameCell({ vm }: { vm: VmRow }) {
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="body2" sx={{ fontWeight: 600, whiteSpace: { sm: "nowrap" }, overflowWrap: "anywhere" }} title={vm.id}>
        {vm.name}
      </Typography>
      <Typography variant="caption" component="div" sx={{ color: "text.secondary" }}>
        {vm.privateIps.length > 0 ? vm.privateIps.join(", ") : "No private IP"}
        {vm.scaleSetInstance ? " · scale set instance" : ""}
      </Typography>
      <DriftChip vm={vm} />
    </Box>
  );
}
