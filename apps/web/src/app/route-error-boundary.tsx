import { Box, Button, Stack } from "@mui/material";
import { isRouteErrorResponse, Link, useRouteError } from "react-router";
import { ErrorAlert } from "../components/error-alert.tsx";

function describeRouteError(error: unknown): unknown {
  if (isRouteErrorResponse(error)) {
    return error.status === 404 ? "This page does not exist." : `${error.status} ${error.statusText}`.trim();
  }
  return error;
}

/**
 * Shown instead of a page that failed to render or whose code failed to load
 * (for example an old tab after a deployment), so the user never faces a blank page.
 */
export function RouteErrorBoundary() {
  const error = useRouteError();
  return (
    <Box sx={{ p: 3, maxWidth: 880 }}>
      <Stack spacing={2}>
        <ErrorAlert error={describeRouteError(error)} title="This page could not be shown" />
        <Stack direction="row" spacing={1}>
          <Button variant="contained" onClick={() => window.location.reload()}>
            Reload
          </Button>
          <Button component={Link} to="/jit">
            Go to Just-in-time VM access
          </Button>
        </Stack>
      </Stack>
    </Box>
  );
}
