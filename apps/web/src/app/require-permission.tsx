import type { ReactNode } from "react";
import { Alert, Button, Stack, Typography } from "@mui/material";
import { Link } from "react-router";
import { useCurrentUser } from "../lib/auth/current-user.tsx";
import { can, canSomewhere, type PermissionNeed } from "../lib/permissions.ts";

/** A page the navigation hides from this user, reached by its address: say so rather than show a failing page. */
export function RequirePermission({ need, children }: { need: PermissionNeed; children: ReactNode }) {
  const me = useCurrentUser();
  if (can(me, need)) return children;
  return (
    <Stack spacing={2} sx={{ maxWidth: 880 }}>
      <Typography variant="h1">You cannot open this page</Typography>
      <Alert severity="warning">
        Your Portcullis roles do not include the permission this page needs ({need.permission}
        {need.or ? ` or ${need.or}` : ""}
        {need.scope === "tenant" ? " for the whole tenant" : ""}). Ask an administrator
        if you need it.
      </Alert>
      {canSomewhere(me, "jit.vm.read") ? (
        <div>
          <Button variant="contained" component={Link} to="/jit">
            Go to Just-in-time VM access
          </Button>
        </div>
      ) : null}
    </Stack>
  );
}
