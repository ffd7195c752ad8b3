import { Alert, Box, LinearProgress, Skeleton, Stack, Typography } from "@mui/material";
import type { PolicyPlanResponse } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { vmNameFromId } from "../../../lib/vm-name.ts";
import { NsgChangeList } from "./nsg-changes.tsx";

export type PreviewState =
  | { kind: "invalid" }
  | { kind: "loading" }
  /** The server refused the rules; its problems are shown on the fields. */
  | { kind: "refused"; other: unknown }
  | { kind: "failed"; error: unknown; retry: () => void; retrying: boolean }
  | { kind: "ready"; plan: PolicyPlanResponse; updating: boolean };

/** What saving would do to each NSG, planned by the server as the form changes. */
export function PolicyPreview({ state }: { state: PreviewState }) {
  return (
    <Stack component="section" aria-labelledby="policy-preview-title" spacing={1.5}>
      <Typography id="policy-preview-title" variant="h3" sx={{ fontSize: "1rem", fontWeight: 600 }}>
        Preview
      </Typography>
      <PreviewBody state={state} />
    </Stack>
  );
}

function PreviewBody({ state }: { state: PreviewState }) {
  switch (state.kind) {
    case "invalid":
      return <Alert severity="info">Fix the highlighted fields to see what would change in each network security group.</Alert>;
    case "loading":
      return (
        <Stack spacing={1} aria-busy="true" aria-label="Loading preview">
          <Skeleton variant="text" width="40%" />
          <Skeleton variant="rectangular" height={96} />
        </Stack>
      );
    case "refused":
      return (
        <Stack spacing={1}>
          <Alert severity="warning">The server refused these rules; see the highlighted fields.</Alert>
          {state.other === undefined ? null : <ErrorAlert error={state.other} title="Also refused" />}
        </Stack>
      );
    case "failed":
      return <ErrorAlert error={state.error} title="The preview could not be computed" onRetry={state.retry} retrying={state.retrying} />;
    case "ready":
      return (
        <Box sx={{ position: "relative" }} aria-busy={state.updating}>
          {state.updating ? <LinearProgress aria-label="Updating preview" sx={{ position: "absolute", top: -8, left: 0, right: 0 }} /> : null}
          <Stack spacing={1.5} sx={{ opacity: state.updating ? 0.6 : 1, transition: "opacity 120ms" }}>
            {state.plan.unchangedVmIds.length > 0 ? (
              <Alert severity="info">
                Already protected by these rules, nothing changes for: {state.plan.unchangedVmIds.map(vmNameFromId).join(", ")}.
              </Alert>
            ) : null}
            <NsgChangeList nsgs={state.plan.nsgs} />
          </Stack>
        </Box>
      );
  }
}
