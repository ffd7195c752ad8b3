import { FormControlLabel, Paper, Stack, Switch, TextField, Typography } from "@mui/material";
import { maxJustificationTextLength } from "@portcullis/contract";
import type { JustificationForm } from "../utils/justification-form.ts";
import type { FieldErrors } from "../utils/problem-fields.ts";

type JustificationFieldsProps = {
  justification: JustificationForm;
  errors: FieldErrors;
  onChange: (patch: Partial<JustificationForm>) => void;
};

const caption = { color: "text.secondary", ml: 5.75, mt: -0.75 } as const;

/** Whether requests must say why, how long that must be, and what it must look like (a pattern with a hint). */
export function JustificationFields({ justification, errors, onChange }: JustificationFieldsProps) {
  const change = (patch: Partial<JustificationForm>) => onChange({ ...patch, changed: true });
  return (
    <Paper variant="outlined" component="section" aria-labelledby="justification-section-title" sx={{ p: 2 }}>
      <Stack spacing={1.5}>
        <Typography id="justification-section-title" variant="h3" sx={{ fontSize: "1rem", fontWeight: 600 }}>
          Justification
        </Typography>
        <FormControlLabel control={<Switch checked={justification.required} onChange={(event) => change({ required: event.target.checked })} />} label="Require a justification" />
        <Typography variant="body2" sx={caption}>
          {justification.required ? "Every request must say why." : "A justification is optional; one that is given must still follow the rule below."}
        </Typography>
        <Stack spacing={2} sx={{ pl: 5.75 }}>
          <TextField
            size="small"
            id="justification-min-length"
            label="Minimum length"
            value={justification.minLength}
            onChange={(event) => change({ minLength: event.target.value })}
            error={errors["justificationRule.minLength"] !== undefined}
            helperText={errors["justificationRule.minLength"] ?? `Characters, 0 to ${maxJustificationTextLength} (0: no minimum)`}
            slotProps={{ htmlInput: { inputMode: "numeric" } }}
            sx={{ maxWidth: 320 }}
          />
          <TextField
            size="small"
            id="justification-pattern"
            label="Pattern"
            value={justification.pattern}
            onChange={(event) => change({ pattern: event.target.value })}
            error={errors["justificationRule.pattern"] !== undefined}
            helperText={errors["justificationRule.pattern"] ?? "Optional. A regular expression (RE2 syntax) the justification must match, such as ^(INC|CHG)\\d{6}"}
            slotProps={{ htmlInput: { spellCheck: false, style: { fontFamily: "monospace" } } }}
          />
          <TextField
            size="small"
            id="justification-hint"
            label="Hint for requesters"
            value={justification.hint}
            onChange={(event) => change({ hint: event.target.value })}
            required={justification.pattern.trim() !== ""}
            error={errors["justificationRule.hint"] !== undefined}
            helperText={errors["justificationRule.hint"] ?? "Shown under the Justification field before they type, and when a justification does not match."}
          />
        </Stack>
      </Stack>
    </Paper>
  );
}
