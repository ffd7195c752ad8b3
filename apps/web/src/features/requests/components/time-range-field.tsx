import { MenuItem, Stack, TextField } from "@mui/material";
import { describeMinutes } from "../../../lib/format.ts";
import { durationOptions } from "../utils/duration-options.ts";
import { customDuration } from "../utils/request-form.ts";

type TimeRangeFieldProps = {
  duration: string;
  customMinutes: string;
  /** The smallest max request time of the chosen ports. */
  max: number;
  error: string | undefined;
  disabled: boolean;
  onChange: (patch: { duration?: string; customMinutes?: string }) => void;
};

/** How long the ports stay open: common choices up to the ports' max, or minutes typed in. */
export function TimeRangeField({ duration, customMinutes, max, error, disabled, onChange }: TimeRangeFieldProps) {
  const custom = duration === customDuration;
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "flex-start" }}>
      <TextField
        select
        size="small"
        id="request-time-range"
        label="Time range"
        value={duration}
        onChange={(event) => onChange({ duration: event.target.value })}
        error={!custom && error !== undefined}
        helperText={custom ? `5 to ${max} minutes` : (error ?? `At most ${describeMinutes(max)} for the chosen ports`)}
        disabled={disabled}
        sx={{ minWidth: 200 }}
      >
        {durationOptions(max).map((minutes) => (
          <MenuItem key={minutes} value={String(minutes)}>
            {describeMinutes(minutes)}
          </MenuItem>
        ))}
        <MenuItem value={customDuration}>Custom…</MenuItem>
      </TextField>
      {custom ? (
        <TextField
          size="small"
          id="request-custom-minutes"
          label="Minutes"
          value={customMinutes}
          onChange={(event) => onChange({ customMinutes: event.target.value })}
          error={error !== undefined}
          helperText={error}
          disabled={disabled}
          slotProps={{ htmlInput: { inputMode: "numeric" } }}
          sx={{ width: 140 }}
        />
      ) : null}
    </Stack>
  );
}
