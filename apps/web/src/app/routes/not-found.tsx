import { Alert, Button, Stack, Typography } from "@mui/material";
import { Link, useLocation } from "react-router";

export function NotFoundRoute() {
  const { pathname } = useLocation();
  return (
    <Stack spacing={2} sx={{ maxWidth: 880 }}>
      <Typography variant="h1">Page not found</Typography>
      <Alert severity="warning">There is no page at {pathname}.</Alert>
      <div>
        <Button variant="contained" component={Link} to="/jit">
          Go to Just-in-time VM access
        </Button>
      </div>
    </Stack>
  );
}
