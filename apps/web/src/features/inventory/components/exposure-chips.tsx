import { Chip, Stack, Tooltip, Typography } from "@mui/material";
import type { Exposure } from "@portcullis/contract";
import { describeExposure, exposureLabel } from "../utils/exposure.ts";

/** One warning chip per management port the Internet can reach today; the tooltip names the rule. */
export function ExposureChips({ exposure }: { exposure: readonly Exposure[] }) {
  if (exposure.length === 0) {
    return (
      <Typography variant="body2" sx={{ color: "text.secondary" }}>
        None
      </Typography>
    );
  }
  return (
    <Stack direction="row" sx={{ flexWrap: "wrap", gap: 0.5 }}>
      {exposure.map((item, index) => (
        <Tooltip key={`${item.nsgName}/${item.ruleName}/${item.port}/${index}`} title={describeExposure(item)} describeChild>
          <Chip size="small" color="warning" variant="outlined" label={exposureLabel(item)} tabIndex={0} />
        </Tooltip>
      ))}
    </Stack>
  );
}
