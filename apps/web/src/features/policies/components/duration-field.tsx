import { FormHelperText, MenuItem, Stack, TextField } from "@mui/material";
import { describeIsoDuration, durationPresets } from "../utils/iso-duration.ts";
import { customDuration, type PortRuleForm } from "../utils/policy-form.ts";

type DurationFieldProps = {
  rule: PortRuleForm;
  idPrefix: string;
  error: string | undefined;
  onChange: (patch: Partial<PortRuleForm>) => void;
};

/** "Max request time": a common value, or hours and minutes typed in (5 minutes to 24 hours). */
export function DurationField({ rule, idPrefix, error, onChange }: DurationFieldProps) {
  const custom = rule.duration === customDuration;
  const customErrorId = `${idPrefix}-custom-error`;
  return (
    <Stack spacing={0.5}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "flex-start" }}>
        <TextField
          select
          size="small"
          id={`${idPrefix}-duration`}
          label="Max request time"
          value={rule.duration}
          onChange={(event) => onChange({ duration: event.target.value })}
          error={!custom && error !== undefined}
          helperText={!custom ? error : undefined}
          sx={{ minWidth: 150 }}
        >
          {durationPresets.map((iso) => (
            <MenuItem key={iso} value={iso}>
              {describeIsoDuration(iso)}
            </MenuItem>
          ))}
          <MenuItem value={customDuration}>Custom…</MenuItem>
        </TextField>
        {custom ? (
          <>
            <TextField
              size="small"
              id={`${idPrefix}-hours`}
              label="Hours"
              value={rule.customHours}
              onChange={(event) => onChange({ customHours: event.target.value })}
              error={error !== undefined}
              slotProps={{ htmlInput: { inputMode: "numeric", "aria-describedby": error ? customErrorId : undefined } }}
              sx={{ width: 80 }}
            />
            <TextField
              size="small"
              id={`${idPrefix}-minutes`}
              label="Minutes"
              value={rule.customMinutes}
              onChange={(event) => onChange({ customMinutes: event.target.value })}
              error={error !== undefined}
              slotProps={{ htmlInput: { inputMode: "numeric", "aria-describedby": error ? customErrorId : undefined } }}
              sx={{ width: 80 }}
            />
          </>
        ) : null}
      </Stack>
      {/* One message under both custom fields: the rule is about their sum. */}
      {custom && error ? (
        <FormHelperText id={customErrorId} error sx={{ mx: 1.75 }}>
          {error}
        </FormHelperText>
      ) : null}
    </Stack>
  );
}
