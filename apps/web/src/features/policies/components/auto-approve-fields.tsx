import { Alert, FormControlLabel, MenuItem, Stack, Switch, TextField, Typography } from "@mui/material";
import { ChipsField } from "../../../components/chips-field.tsx";
import { autoApproveDurationChoices, type AutoApproveForm } from "../utils/approval-form.ts";
import type { FieldErrors } from "../utils/problem-fields.ts";

type AutoApproveFieldsProps = {
  rule: AutoApproveForm;
  errors: FieldErrors;
  onChange: (patch: Partial<AutoApproveForm>) => void;
};

/** "Approve automatically when …": the conditions of the policy's automatic approval rule, all of which must hold. */
export function AutoApproveFields({ rule, errors, onChange }: AutoApproveFieldsProps) {
  const field = (name: string) => errors[`approval.autoApprove.${name}`];
  return (
    <Stack spacing={1.5}>
      <FormControlLabel control={<Switch checked={rule.on} onChange={(event) => onChange({ on: event.target.checked })} />} label="Approve automatically by rule" />
      <Typography variant="body2" sx={{ color: "text.secondary", ml: 5.75, mt: -0.75 }}>
        {rule.on
          ? "A request that meets every condition below opens without an approver; the activity log records the rule that approved it."
          : "Every request waits for approvers."}
      </Typography>
      {rule.on ? (
        <Stack spacing={2} sx={{ pl: 5.75 }}>
          <TextField size="small" id="auto-approve-name" label="Rule name" value={rule.name} onChange={(event) => onChange({ name: event.target.value })} error={field("name") !== undefined} helperText={field("name") ?? "Shown in the activity log as the approver."} sx={{ maxWidth: 320 }} />
          <ChipsField
            id="auto-approve-groups"
            label="Requester in group"
            values={rule.groups}
            onChange={(groups) => onChange({ groups })}
            error={field("groups") !== undefined}
            helperText={field("groups") ?? "Group ids from the token's groups claim (any of them); none: anyone. Press Enter after each."}
          />
          <Stack direction="row" spacing={1} sx={{ flexWrap: "wrap", rowGap: 1 }}>
            <TextField size="small" id="auto-approve-from" label="From (HH:MM)" value={rule.from} onChange={(event) => onChange({ from: event.target.value })} error={field("hours") !== undefined} sx={{ width: 140 }} />
            <TextField size="small" id="auto-approve-to" label="To (HH:MM)" value={rule.to} onChange={(event) => onChange({ to: event.target.value })} error={field("hours") !== undefined} sx={{ width: 140 }} />
            <TextField size="small" id="auto-approve-time-zone" label="Time zone" value={rule.timeZone} onChange={(event) => onChange({ timeZone: event.target.value })} error={field("hours") !== undefined} sx={{ width: 200 }} />
          </Stack>
          <Typography variant="body2" sx={{ color: field("hours") ? "error.main" : "text.secondary", mt: -1 }}>
            {field("hours") ?? "Only requests made within these hours (To before From spans midnight); empty: at any time. UTC or a name such as Europe/Berlin."}
          </Typography>
          <ChipsField
            id="auto-approve-ports"
            label="Only these ports"
            values={rule.ports}
            onChange={(ports) => onChange({ ports })}
            error={field("ports") !== undefined}
            helperText={field("ports") ?? "Every requested port must be one of these; none: any of the policy's ports."}
          />
          <TextField
            select
            size="small"
            id="auto-approve-max-duration"
            label="For at most"
            value={rule.maxDuration}
            onChange={(event) => onChange({ maxDuration: event.target.value })}
            error={field("maxDuration") !== undefined}
            helperText={field("maxDuration") ?? "Longer requests wait for approvers."}
            sx={{ maxWidth: 320 }}
          >
            {autoApproveDurationChoices.map((choice) => (
              <MenuItem key={choice.value || "any"} value={choice.value}>
                {choice.label}
              </MenuItem>
            ))}
          </TextField>
          {errors["approval.autoApprove"] ? <Alert severity="error">Automatic approval: {errors["approval.autoApprove"]}</Alert> : null}
        </Stack>
      ) : null}
    </Stack>
  );
}
