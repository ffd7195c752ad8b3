import { Box, Typography } from "@mui/material";
import type { VmSummary } from "@portcullis/contract";

export function VmNameCell({ vm }: { vm: VmSummary }) {
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="body2" sx={{ fontWeight: 600, wordBreak: "break-all" }} title={vm.id}>
        {vm.name}
      </Typography>
      <Typography variant="caption" component="div" sx={{ color: "text.secondary" }}>
        {vm.privateIps.length > 0 ? vm.privateIps.join(", ") : "No private IP"}
        {vm.scaleSetInstance ? " · scale set instance" : ""}
      </Typography>
    </Box>
  );
}
