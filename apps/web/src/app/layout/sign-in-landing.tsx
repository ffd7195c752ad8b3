import { useState } from "react";
import { Alert, Box, Button, Paper, Stack, Toolbar, Typography } from "@mui/material";
import LoginIcon from "@mui/icons-material/Login";
import { useAuthSession } from "../../lib/auth/auth-context.tsx";
import { errorMessage } from "../../lib/api-error.ts";
import { TopBar, topBarHeight } from "./top-bar.tsx";

/**
 * What a signed-out visitor sees, at any path. We show this page rather than redirecting at once, so that
 * signing out ends on a stable page, a failed or cancelled sign-in can say why, and nothing loops.
 */
export function SignInLanding() {
  const session = useAuthSession();
  const [error, setError] = useState<unknown>(session.redirectError);
  const [starting, setStarting] = useState(false);

  function signIn() {
    setStarting(true);
    setError(undefined);
    session.signIn().catch((failure: unknown) => {
      setError(failure);
      setStarting(false);
    });
  }

  return (
    <Box sx={{ minHeight: "100vh" }}>
      <title>Sign in · Portcullis</title>
      <TopBar title={undefined} />
      <Toolbar variant="dense" sx={{ minHeight: topBarHeight }} />
      <Box component="main" sx={{ display: "flex", justifyContent: "center", px: 2, pt: 8 }}>
        <Paper variant="outlined" sx={{ p: 4, maxWidth: 520, width: "100%" }}>
          <Stack spacing={2}>
            <Typography variant="h1">Sign in to Portcullis</Typography>
            <Typography variant="body2" sx={{ color: "text.secondary" }}>
              Just-in-time access to the management ports of your Azure virtual machines. Sign in with your
              organisation account to see the VMs you may manage or request access to.
            </Typography>
            {session.mode === "local" ? (
              <Alert severity="info">
                This portal uses the local demo sign-in: the sign-in page lists the demo users and their roles.
              </Alert>
            ) : null}
            {error === undefined ? null : (
              <Alert severity="error">Sign-in did not complete: {errorMessage(error)}</Alert>
            )}
            <div>
              <Button variant="contained" startIcon={<LoginIcon />} loading={starting} loadingPosition="start" onClick={signIn}>
                Sign in
              </Button>
            </div>
          </Stack>
        </Paper>
      </Box>
    </Box>
  );
}
