import { Alert, FormControlLabel, IconButton, MenuItem, Paper, Stack, Switch, TextField, Typography } from "@mui/material";
import DeleteOutlineIcon from "@mui/icons-material/DeleteOutlineOutlined";
import { JitProtocolSchema, type JitProtocolName } from "@portcullis/contract";
import type { FieldErrors } from "../utils/problem-fields.ts";
import type { PortRuleForm } from "../utils/policy-form.ts";
import { DurationField } from "./duration-field.tsx";
import { SourceFields } from "./source-fields.tsx";

type PortRuleFieldsProps = {
  rule: PortRuleForm;
  index: number;
  errors: FieldErrors;
  /** The policy requires approval: each port may opt out ("Needs approval" off). */
  approvalRequired: boolean;
  /** Absent when this is the only rule: a policy needs at least one port. */
  onRemove: (() => void) | undefined;
  onChange: (patch: Partial<PortRuleForm>) => void;
};

const protocols = JitProtocolSchema.options;

function asProtocol(value: string): JitProtocolName {
  return protocols.find((protocol) => protocol === value) ?? "TCP";
}

/** One port of the policy: port, protocol, allowed sources, the longest access a request may get, and whether it needs approval. */
export function PortRuleFields({ rule, index, errors, approvalRequired, onRemove, onChange }: PortRuleFieldsProps) {
  const field = `ports[${index}]`;
  const idPrefix = `rule-${rule.key}`;
  const ruleError = errors[field];
  return (
    <Paper variant="outlined" role="group" aria-label={`Rule ${index + 1}`} sx={{ p: 2 }}>
      <Stack spacing={1.5}>
        <Stack direction="row" spacing={1.5} sx={{ alignItems: "flex-start", flexWrap: "wrap", rowGap: 1.5 }}>
          <TextField
            size="small"
            id={`${idPrefix}-port`}
            label="Port"
            value={rule.port}
            onChange={(event) => onChange({ port: event.target.value })}
            error={errors[`${field}.port`] !== undefined}
            helperText={errors[`${field}.port`]}
            autoComplete="off"
            slotProps={{ htmlInput: { inputMode: "numeric" } }}
            sx={{ width: errors[`${field}.port`] ? 260 : 110 }}
          />
          <TextField
            select
            size="small"
            id={`${idPrefix}-protocol`}
            label="Protocol"
            value={rule.protocol}
            onChange={(event) => onChange({ protocol: asProtocol(event.target.value) })}
            error={errors[`${field}.protocol`] !== undefined}
            helperText={errors[`${field}.protocol`]}
            sx={{ width: 110 }}
          >
            {protocols.map((protocol) => (
              <MenuItem key={protocol} value={protocol}>
                {protocol}
              </MenuItem>
            ))}
          </TextField>
          <DurationField rule={rule} idPrefix={idPrefix} error={errors[`${field}.maxRequestDuration`]} onChange={onChange} />
          <Typography sx={{ flex: 1 }} component="span" />
          <IconButton aria-label={`Remove rule ${index + 1}`} onClick={onRemove} disabled={onRemove === undefined}>
            <DeleteOutlineIcon />
          </IconButton>
        </Stack>
        <SourceFields rule={rule} index={index} errors={errors} onChange={onChange} />
        {approvalRequired ? (
          <Stack>
            <FormControlLabel
              control={<Switch checked={rule.requireApproval} onChange={(event) => onChange({ requireApproval: event.target.checked })} />}
              label="Needs approval"
            />
            <Typography variant="body2" sx={{ color: errors[`${field}.requireApproval`] ? "error.main" : "text.secondary", ml: 5.75, mt: -0.75 }}>
              {errors[`${field}.requireApproval`] ??
                (rule.requireApproval ? "Requests for this port wait for approval." : "Requests for this port alone open at once.")}
            </Typography>
          </Stack>
        ) : null}
        {ruleError ? <Alert severity="error">{ruleError}</Alert> : null}
      </Stack>
    </Paper>
  );
}
