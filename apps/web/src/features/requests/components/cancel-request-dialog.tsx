import { useState } from "react";
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack } from "@mui/material";
import type { AccessRequest } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { portNumbers } from "../../../lib/port-label.ts";
import { useCancelAccessRequest } from "../api/cancel-access-request.ts";

type CancelRequestDialogProps = {
  /** The request to cancel; the dialog is open while it is set. */
  request: AccessRequest | undefined;
  onClose: () => void;
  onCancelled: (request: AccessRequest) => void;
};

/** Confirms withdrawing a request that waits for approval. */
export function CancelRequestDialog({ request, onClose, onCancelled }: CancelRequestDialogProps) {
  const cancel = useCancelAccessRequest();
  // Keeps the text while the dialog fades out after `request` is cleared.
  const [shown, setShown] = useState(request);
  if (request !== undefined && request !== shown) setShown(request);
  const current = request ?? shown;

  function close() {
    if (cancel.isPending) return;
    cancel.reset();
    onClose();
  }

  return (
    <Dialog open={request !== undefined} onClose={close} aria-labelledby="cancel-request-title" maxWidth="sm" fullWidth>
      <DialogTitle id="cancel-request-title">Cancel your request for {current?.vmName}?</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          {current ? (
            <DialogContentText>
              Approvers will no longer be asked to open port{current.ports.length === 1 ? "" : "s"} {portNumbers(current.ports)}. To get
              access later, send a new request.
            </DialogContentText>
          ) : null}
          {cancel.isError ? <ErrorAlert error={cancel.error} title="The request was not cancelled" /> : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={cancel.isPending}>
          Keep waiting
        </Button>
        <Button
          color="error"
          variant="contained"
          loading={cancel.isPending}
          onClick={() => {
            if (!current) return;
            cancel.mutate(current.id, {
              onSuccess: (cancelled) => {
                cancel.reset();
                onCancelled(cancelled);
              },
            });
          }}
        >
          Cancel request
        </Button>
      </DialogActions>
    </Dialog>
  );
}
