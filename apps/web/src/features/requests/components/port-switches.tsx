import { Chip, FormControl, FormControlLabel, FormHelperText, FormLabel, Stack, Switch, Typography } from "@mui/material";
import type { PolicyPort } from "@portcullis/contract";
import { portKey, portLabel } from "../../../lib/port-label.ts";
import type { RequestFieldErrors } from "../utils/request-form.ts";
import { portCaption } from "../utils/request-text.ts";

type PortSwitchesProps = {
  ports: readonly PolicyPort[];
  selected: readonly string[];
  errors: RequestFieldErrors;
  disabled: boolean;
  /** Whether requests for the port wait for approval (a "Needs approval" chip beside it). */
  needsApproval: (port: PolicyPort) => boolean;
  onToggle: (key: string, on: boolean) => void;
};

/** One switch per configured port, with its max time and allowed sources, and whether it needs approval. */
export function PortSwitches({ ports, selected, errors, disabled, needsApproval, onToggle }: PortSwitchesProps) {
  const groupError = errors.ports;
  return (
    <FormControl component="fieldset" error={groupError !== undefined} disabled={disabled}>
      <FormLabel component="legend" sx={{ fontWeight: 600, mb: 0.5 }}>
        Ports
      </FormLabel>
      <Stack spacing={0.5}>
        {ports.map((port) => {
          const key = portKey(port);
          const error = errors[`port:${key}`];
          const captionId = `request-port-${key.replace("/", "-")}-caption`;
          return (
            <Stack key={key}>
              <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
                <FormControlLabel
                  control={
                    <Switch
                      checked={selected.includes(key)}
                      onChange={(event) => onToggle(key, event.target.checked)}
                      slotProps={{ input: { "aria-describedby": captionId } }}
                    />
                  }
                  label={portLabel(port)}
                />
                {needsApproval(port) ? <Chip size="small" variant="outlined" color="info" label="Needs approval" /> : null}
              </Stack>
              <Typography id={captionId} variant="body2" sx={{ color: "text.secondary", ml: 5.75, mt: -0.75 }}>
                {portCaption(port)}
              </Typography>
              {error ? (
                <FormHelperText error sx={{ ml: 5.75 }}>
                  {error}
                </FormHelperText>
              ) : null}
            </Stack>
          );
        })}
      </Stack>
      {groupError ? <FormHelperText>{groupError}</FormHelperText> : null}
    </FormControl>
  );
}
