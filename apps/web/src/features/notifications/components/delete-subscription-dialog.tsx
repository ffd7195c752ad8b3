import { useState } from "react";
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack } from "@mui/material";
import type { NotificationSubscription } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useDeleteSubscription } from "../api/delete-subscription.ts";

type DeleteSubscriptionDialogProps = {
  /** The subscription to delete; the dialog is open while it is set. */
  subscription: NotificationSubscription | undefined;
  onClose: () => void;
  onDeleted: (subscription: NotificationSubscription) => void;
};

/** Confirms deleting a subscription. */
export function DeleteSubscriptionDialog({ subscription, onClose, onDeleted }: DeleteSubscriptionDialogProps) {
  const remove = useDeleteSubscription();
  // Keeps the text while the dialog fades out after `subscription` is cleared.
  const [shown, setShown] = useState(subscription);
  if (subscription !== undefined && subscription !== shown) setShown(subscription);
  const current = subscription ?? shown;

  function close() {
    if (remove.isPending) return;
    remove.reset();
    onClose();
  }

  return (
    <Dialog open={subscription !== undefined} onClose={close} aria-labelledby="delete-subscription-title" maxWidth="sm" fullWidth>
      <DialogTitle id="delete-subscription-title">Delete notification rule {current?.name}?</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          {current ? (
            <DialogContentText>
              Nothing more is sent to {current.targetDisplay}. The delivery log keeps what was sent.
            </DialogContentText>
          ) : null}
          {remove.isError ? <ErrorAlert error={remove.error} title="The notification rule was not deleted" /> : null}
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
            remove.mutate(current.id, {
              onSuccess: () => {
                remove.reset();
                onDeleted(current);
              },
            });
          }}
        >
          Delete
        </Button>
      </DialogActions>
    </Dialog>
  );
}
