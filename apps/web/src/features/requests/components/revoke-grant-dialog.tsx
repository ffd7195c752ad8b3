import { useState } from "react";
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Stack } from "@mui/material";
import type { Grant } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useRevokeGrant } from "../api/revoke-grant.ts";
import { sourceText } from "../../../lib/access-text.ts";
import { portNumbers } from "../../../lib/port-label.ts";

type RevokeGrantDialogProps = {
  /** The grant to revoke; the dialog is open while it is set. */
  grant: Grant | undefined;
  onClose: () => void;
  onRevoked: (grant: Grant) => void;
};

/** Confirms closing an open grant now. */
export function RevokeGrantDialog({ grant, onClose, onRevoked }: RevokeGrantDialogProps) {
  const revoke = useRevokeGrant();
  // Keeps the text while the dialog fades out after `grant` is cleared.
  const [shown, setShown] = useState(grant);
  if (grant !== undefined && grant !== shown) setShown(grant);
  const current = grant ?? shown;

  function close() {
    if (revoke.isPending) return;
    revoke.reset();
    onClose();
  }

  return (
    <Dialog open={grant !== undefined} onClose={close} aria-labelledby="revoke-grant-title" maxWidth="sm" fullWidth>
      <DialogTitle id="revoke-grant-title">Revoke access to {current?.vmName}?</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          {current ? (
            <DialogContentText>
              Port{current.ports.length === 1 ? "" : "s"} {portNumbers(current.ports)} close{current.ports.length === 1 ? "s" : ""} now for{" "}
              {sourceText(current.sourcePrefixes)}: the Allow rules are deleted from the network security groups. Connections already
              open may stay up until they end.
            </DialogContentText>
          ) : null}
          {revoke.isError ? <ErrorAlert error={revoke.error} title="Access was not revoked" /> : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={revoke.isPending}>
          Cancel
        </Button>
        <Button
          color="error"
          variant="contained"
          loading={revoke.isPending}
          onClick={() => {
            if (!current) return;
            revoke.mutate(current.id, {
              onSuccess: (revoked) => {
                revoke.reset();
                onRevoked(revoked);
              },
            });
          }}
        >
          Revoke
        </Button>
      </DialogActions>
    </Dialog>
  );
}
