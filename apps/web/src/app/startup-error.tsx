import { Box, Button, Stack, Typography } from "@mui/material";
import { ErrorAlert } from "../components/error-alert.tsx";

/** The sign-in settings could not be read or MSAL would not start: nothing else can work, so say so plainly. */
export function StartupError({ error }: { error: unknown }) {
  return (
    <Box component="main" sx={{ p: 4, maxWidth: 880 }}>
      <Stack spacing={2}>
        <Typography variant="h1">Portcullis could not start</Typography>
        <ErrorAlert error={error} title="Sign-in is not available" />
        <div>
          <Button variant="contained" onClick={() => window.location.reload()}>
            Reload
          </Button>
        </div>
      </Stack>
    </Box>
  );
}
