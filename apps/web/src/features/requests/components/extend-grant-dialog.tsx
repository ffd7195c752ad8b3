import { useState } from "react";
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  FormControl,
  FormControlLabel,
  FormHelperText,
  FormLabel,
  Radio,
  RadioGroup,
  Stack,
  TextField,
} from "@mui/material";
import type { Grant } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { fieldErrorsOf } from "../../../lib/field-errors.ts";
import { useExtendGrant } from "../api/extend-grant.ts";
import { useNow } from "../hooks/use-now.ts";
import { asExtendChoice, extendChoices, extendMinutesOf, type ExtendChoice } from "../utils/extend-choice.ts";
import { formatEndTime } from "../../../lib/format.ts";

type ExtendGrantDialogProps = {
  /** The grant to extend; the dialog is open while it is set. */
  grant: Grant | undefined;
  onClose: () => void;
  onExtended: (grant: Grant) => void;
};

function ExtendForm({ grant, onClose, onExtended }: { grant: Grant; onClose: () => void; onExtended: (grant: Grant) => void }) {
  const [choice, setChoice] = useState<ExtendChoice>("30");
  const [custom, setCustom] = useState("");
  const [attempted, setAttempted] = useState(false);
  const extend = useExtendGrant();
  const now = useNow();
  const minutes = extendMinutesOf(choice, custom);
  const server = extend.isError ? fieldErrorsOf(extend.error, ["addMinutes", "grant"] as const) : undefined;
  const clientError = attempted && minutes === null ? "Enter a whole number of minutes, at most 1,440." : undefined;
  const serverMinutes = server?.fields.addMinutes;
  const minutesError = clientError ?? (serverMinutes ? `The time to add ${serverMinutes}` : undefined);

  function submit() {
    setAttempted(true);
    if (minutes === null) return;
    extend.mutate({ id: grant.id, body: { addMinutes: minutes } }, { onSuccess: onExtended });
  }

  return (
    <>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText>
            Open until {formatEndTime(grant.endsAt, now)}. The policy limits how long one grant may last from when it started; the server
            refuses an end past that.
          </DialogContentText>
          <FormControl error={minutesError !== undefined} disabled={extend.isPending}>
            <FormLabel id="extend-grant-choice">Add</FormLabel>
            <RadioGroup
              row
              aria-labelledby="extend-grant-choice"
              value={choice}
              onChange={(event) => {
                setChoice(asExtendChoice(event.target.value));
                extend.reset();
              }}
            >
              {extendChoices.map((option) => (
                <FormControlLabel key={option.value} value={option.value} control={<Radio size="small" />} label={option.label} />
              ))}
            </RadioGroup>
            {choice === "custom" ? (
              <TextField
                size="small"
                id="extend-grant-minutes"
                label="Minutes"
                value={custom}
                onChange={(event) => {
                  setCustom(event.target.value);
                  extend.reset();
                }}
                error={minutesError !== undefined}
                slotProps={{ htmlInput: { inputMode: "numeric" } }}
                sx={{ width: 160, mt: 1 }}
              />
            ) : null}
            {minutesError ? <FormHelperText>{minutesError}</FormHelperText> : null}
          </FormControl>
          {server?.fields.grant ? <Alert severity="error">This grant {server.fields.grant}</Alert> : null}
          {server?.other !== undefined ? <ErrorAlert error={server.other} title="Access was not extended" /> : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={extend.isPending}>
          Cancel
        </Button>
        <Button variant="contained" loading={extend.isPending} onClick={submit}>
          Extend
        </Button>
      </DialogActions>
    </>
  );
}

/** Adds time to an open grant: 30 minutes, an hour, or minutes typed in. */
export function ExtendGrantDialog({ grant, onClose, onExtended }: ExtendGrantDialogProps) {
  const [shown, setShown] = useState(grant);
  if (grant !== undefined && grant !== shown) setShown(grant);
  const current = grant ?? shown;
  return (
    <Dialog open={grant !== undefined} onClose={onClose} aria-labelledby="extend-grant-title" maxWidth="sm" fullWidth>
      <DialogTitle id="extend-grant-title">Extend access to {current?.vmName}</DialogTitle>
      {current ? <ExtendForm key={current.id} grant={current} onClose={onClose} onExtended={onExtended} /> : null}
    </Dialog>
  );
}
