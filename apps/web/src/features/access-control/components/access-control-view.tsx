import { useState } from "react";
import { Alert, Button, Paper, Snackbar, Stack, Typography } from "@mui/material";
import PersonAddIcon from "@mui/icons-material/PersonAdd";
import type { RoleAssignment } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useCurrentUser } from "../../../lib/auth/current-user.tsx";
import { canTenantWide } from "../../../lib/permissions.ts";
import { useRoleAssignments } from "../api/get-role-assignments.ts";
import { describeScope, type SubscriptionNames } from "../utils/scope-label.ts";
import { AddRoleAssignmentDialog } from "./add-role-assignment-dialog.tsx";
import { RemoveRoleAssignmentDialog } from "./remove-role-assignment-dialog.tsx";
import { RoleAssignmentsTable } from "./role-assignments-table.tsx";

/** Who holds which Portcullis role where. `subscriptionNames` lets scopes read as names. */
export function AccessControlView({ subscriptionNames }: { subscriptionNames: SubscriptionNames }) {
  const me = useCurrentUser();
  // Assignments are written at tenant scope only (the BFF checks the same).
  const mayWrite = canTenantWide(me, "jit.rbac.write");
  const assignments = useRoleAssignments();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<RoleAssignment | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const scopeLabel = (scope: string) => describeScope(scope, subscriptionNames);

  return (
    <Stack spacing={2}>
      <Typography variant="h1">Access control</Typography>
      <Typography variant="body2" sx={{ color: "text.secondary", maxWidth: 880 }}>
        Role assignments give a user or a group a Portcullis role at a scope: the tenant, a subscription, a resource
        group or one VM. Tenant-wide roles that come from the identity provider's app roles (such as Jit.Admin) are not
        listed here.
      </Typography>
      {mayWrite ? (
        <div>
          <Button variant="contained" startIcon={<PersonAddIcon />} onClick={() => setAdding(true)}>
            Add role assignment
          </Button>
        </div>
      ) : null}
      {assignments.isError ? (
        <ErrorAlert
          error={assignments.error}
          title="The role assignments could not be loaded"
          onRetry={() => void assignments.refetch()}
          retrying={assignments.isFetching}
        />
      ) : (
        <Paper variant="outlined">
          <RoleAssignmentsTable
            assignments={assignments.data?.items}
            describeScope={scopeLabel}
            onRemove={mayWrite ? setRemoving : undefined}
          />
        </Paper>
      )}
      {mayWrite ? (
        <>
          <AddRoleAssignmentDialog
            open={adding}
            onClose={() => setAdding(false)}
            onAdded={(added) => {
              setAdding(false);
              setNotice(`${added.principalName} now has the ${added.role} role at ${scopeLabel(added.scope)}.`);
            }}
          />
          <RemoveRoleAssignmentDialog
            assignment={removing}
            scopeLabel={removing ? scopeLabel(removing.scope) : ""}
            onClose={() => setRemoving(undefined)}
            onRemoved={(removed) => {
              setRemoving(undefined);
              setNotice(`${removed.principalName} no longer has the ${removed.role} role at ${scopeLabel(removed.scope)}.`);
            }}
          />
        </>
      ) : null}
      <Snackbar open={notice !== undefined} autoHideDuration={6000} onClose={() => setNotice(undefined)}>
        <Alert severity="success" variant="filled" onClose={() => setNotice(undefined)}>
          {notice}
        </Alert>
      </Snackbar>
    </Stack>
  );
}
