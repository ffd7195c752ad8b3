import { Alert, Stack, Typography } from "@mui/material";
import type { MeResponse } from "@portcullis/contract";

/** A signed-in user with no Portcullis role: nothing to show, and who can fix it. */
export function NoAccess({ me }: { me: MeResponse }) {
  return (
    <Stack spacing={2} sx={{ maxWidth: 880 }}>
      <title>No access · Portcullis</title>
      <Typography variant="h1">No access</Typography>
      <Alert severity="warning">
        You are signed in as {me.user.name} ({me.user.username}) but have no Portcullis role. Ask an administrator
        for access.
      </Alert>
    </Stack>
  );
}
