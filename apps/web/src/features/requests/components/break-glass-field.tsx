import { Alert, FormControlLabel, Stack, Switch, Typography } from "@mui/material";

type BreakGlassFieldProps = {
  checked: boolean;
  error: string | undefined;
  disabled: boolean;
  onChange: (checked: boolean) => void;
};

const warning = "Opens at once without approval; admins are notified and must review it.";

/** The emergency path where the policy allows it: opens at once, and admins review it afterwards. */
export function BreakGlassField({ checked, error, disabled, onChange }: BreakGlassFieldProps) {
  return (
    <Stack spacing={1}>
      <FormControlLabel
        control={<Switch checked={checked} onChange={(event) => onChange(event.target.checked)} color="warning" />}
        label="Emergency (break-glass)"
        disabled={disabled}
      />
      {checked ? (
        <Alert severity="warning">
          {warning} Say what the emergency is in the justification.
        </Alert>
      ) : (
        <Typography variant="body2" sx={{ color: "text.secondary", mt: -0.75, ml: 5.75 }}>
          {warning}
        </Typography>
      )}
      {error ? <Alert severity="error">{error}</Alert> : null}
    </Stack>
  );
}
