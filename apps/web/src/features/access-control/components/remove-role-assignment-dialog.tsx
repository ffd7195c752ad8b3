import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack } from "@mui/material";
import type { RoleAssignment } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useDeleteRoleAssignment } from "../api/delete-role-assignment.ts";

type RemoveRoleAssignmentDialogProps = {
  /** The assignment to remove; the dialog is open while it is set. */
  assignment: RoleAssignment | undefined;
  scopeLabel: string;
  onClose: () => void;
  onRemoved: (assignment: RoleAssignment) => void;
};

export function RemoveRoleAssignmentDialog({ assignment, scopeLabel, onClose, onRemoved }: RemoveRoleAssignmentDialogProps) {
  const remove = useDeleteRoleAssignment();

  function close() {
    remove.reset();
    onClose();
  }

  return (
    <Dialog open={assignment !== undefined} onClose={close} aria-labelledby="remove-role-assignment-title" maxWidth="sm" fullWidth>
      <DialogTitle id="remove-role-assignment-title">Remove role assignment?</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          {remove.isError ? <ErrorAlert error={remove.error} title="The role assignment was not removed" /> : null}
          {assignment ? (
            <DialogContentText>
              {assignment.principalName} will lose the {assignment.role} role at {scopeLabel}. Access they already
              hold through other assignments or tenant roles stays.
            </DialogContentText>
          ) : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>Cancel</Button>
        <Button
          color="error"
          variant="contained"
          loading={remove.isPending}
          onClick={() => {
            if (!assignment) return;
            remove.mutate(assignment.id, {
              onSuccess: () => {
                remove.reset();
                onRemoved(assignment);
              },
            });
          }}
        >
          Remove
        </Button>
      </DialogActions>
    </Dialog>
  );
}
