import { Box, LinearProgress } from "@mui/material";

/** Shown while the sign-in settings load and MSAL starts, so the first paint is never a blank page. */
export function StartupProgress() {
  return (
    <Box sx={{ position: "fixed", top: 0, left: 0, right: 0 }}>
      <LinearProgress aria-label="Starting Portcullis" />
    </Box>
  );
}
