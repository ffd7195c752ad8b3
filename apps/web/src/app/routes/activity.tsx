import { Alert, Stack, Typography } from "@mui/material";

/** The audit feature builds this page; until then it says so rather than showing made-up rows. */
export function ActivityRoute() {
  return (
    <Stack spacing={2} sx={{ maxWidth: 880 }}>
      <Typography variant="h1">Activity log</Typography>
      <Alert severity="info">
        The activity log is not available in this version of Portcullis yet. Access requests, approvals and NSG
        changes are not listed here.
      </Alert>
    </Stack>
  );
}
