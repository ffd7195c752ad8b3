import { Chip } from "@mui/material";
import type { ActivityEvent } from "@portcullis/contract";
import { outcomeLabels } from "../utils/action-labels.ts";

export function OutcomeChip({ outcome }: { outcome: ActivityEvent["outcome"] }) {
  return <Chip size="small" variant="outlined" color={outcome === "success" ? "success" : "error"} label={outcomeLabels[outcome]} />;
}
