import { useState } from "react";
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack } from "@mui/material";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useRemovePolicies } from "../api/remove-policies.ts";

type RemoveVm = { id: string; name: string };

type RemovePolicyDialogProps = {
  /** The VM to remove JIT from; the dialog is open while it is set. */
  vm: RemoveVm | undefined;
  onClose: () => void;
  onRemoved?: (vm: RemoveVm) => void;
};

/** Confirms removing JIT from one VM: its Deny rules go and renumbered rules get their priorities back. */
export function RemovePolicyDialog({ vm, onClose, onRemoved }: RemovePolicyDialogProps) {
  const remove = useRemovePolicies();
  const [shown, setShown] = useState(vm);
  if (vm !== undefined && vm !== shown) setShown(vm);
  const current = vm ?? shown;

  function close() {
    if (remove.isPending) return;
    remove.reset();
    onClose();
  }

  return (
    <Dialog open={vm !== undefined} onClose={close} aria-labelledby="remove-policy-title" maxWidth="sm" fullWidth>
      <DialogTitle id="remove-policy-title">Remove JIT from {current?.name}?</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText>
            Its NSGs are restored: the JIT rules are deleted and rules that were renumbered get their old priorities back.
          </DialogContentText>
          {remove.isError ? <ErrorAlert error={remove.error} title="JIT was not removed" /> : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={remove.isPending}>
          Cancel
        </Button>
        <Button
          color="error"
          variant="contained"
          loading={remove.isPending}
          onClick={() => {
            if (!current) return;
            remove.mutate(
              { vmIds: [current.id] },
              {
                onSuccess: () => {
                  remove.reset();
                  onRemoved?.(current);
                  onClose();
                },
              },
            );
          }}
        >
          Remove
        </Button>
      </DialogActions>
    </Dialog>
  );
}
