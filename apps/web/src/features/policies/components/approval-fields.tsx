import {
  Alert,
  Checkbox,
  FormControl,
  FormControlLabel,
  FormHelperText,
  FormLabel,
  MenuItem,
  Paper,
  Radio,
  RadioGroup,
  Stack,
  Switch,
  TextField,
  Typography,
} from "@mui/material";
import { ChipsField } from "../../../components/chips-field.tsx";
import { AutoApproveFields } from "./auto-approve-fields.tsx";
import { describeIsoDuration } from "../utils/iso-duration.ts";
import { approvalWaitChoices, maxRequiredApprovals, type ApprovalForm } from "../utils/approval-form.ts";
import type { FieldErrors } from "../utils/problem-fields.ts";

type ApprovalFieldsProps = {
  approval: ApprovalForm;
  breakGlass: boolean;
  errors: FieldErrors;
  onChange: (patch: Partial<ApprovalForm>) => void;
  onBreakGlassChange: (breakGlass: boolean) => void;
};

const caption = { color: "text.secondary", ml: 5.75, mt: -0.75 } as const;

/** The stored wait when it is not one of the offered choices (set through the API), so the select can show it. */
function waitChoices(current: string): ReadonlyArray<{ value: string; label: string }> {
  if (approvalWaitChoices.some((choice) => choice.value === current)) return approvalWaitChoices;
  return [...approvalWaitChoices, { value: current, label: describeIsoDuration(current) }];
}

/** Who must approve a request before its ports open, how many, how long a request may wait, and break-glass. */
export function ApprovalFields({ approval, breakGlass, errors, onChange, onBreakGlassChange }: ApprovalFieldsProps) {
  const approversError = errors["approval.approvers"];
  return (
    <Paper variant="outlined" component="section" aria-labelledby="approval-section-title" sx={{ p: 2 }}>
      <Stack spacing={1.5}>
        <Typography id="approval-section-title" variant="h3" sx={{ fontSize: "1rem", fontWeight: 600 }}>
          Approval
        </Typography>
        <FormControlLabel control={<Switch checked={approval.required} onChange={(event) => onChange({ required: event.target.checked })} />} label="Require approval" />
        <Typography variant="body2" sx={caption}>
          {approval.required
            ? "Requests wait until enough approvers approve; one denial ends the request."
            : "Requests open the ports at once."}
        </Typography>
        {approval.required ? (
          <Stack spacing={2} sx={{ pl: 5.75 }}>
            <TextField
              size="small"
              id="approval-required-approvals"
              label="Number of approvals"
              value={approval.requiredApprovals}
              onChange={(event) => onChange({ requiredApprovals: event.target.value })}
              error={errors["approval.requiredApprovals"] !== undefined}
              helperText={errors["approval.requiredApprovals"] ?? `Distinct approvers needed, 1 to ${maxRequiredApprovals}`}
              slotProps={{ htmlInput: { inputMode: "numeric" } }}
              sx={{ maxWidth: 320 }}
            />
            <FormControl component="fieldset" error={approversError !== undefined}>
              <FormLabel component="legend" sx={{ mb: 0.5 }}>
                Approvers
              </FormLabel>
              <Stack spacing={1.5}>
                <FormControlLabel
                  control={<Checkbox checked={approval.roleHolders} onChange={(event) => onChange({ roleHolders: event.target.checked })} />}
                  label="Anyone with the Approver role on the VM"
                />
                <ChipsField
                  id="approval-users"
                  label="Users"
                  values={approval.users}
                  onChange={(users) => onChange({ users })}
                  error={errors["approval.approvers.users"] !== undefined}
                  helperText={errors["approval.approvers.users"] ?? "User names (name@contoso.com) or object ids; press Enter after each."}
                />
                <ChipsField
                  id="approval-groups"
                  label="Groups"
                  values={approval.groups}
                  onChange={(groups) => onChange({ groups })}
                  error={errors["approval.approvers.groups"] !== undefined}
                  helperText={errors["approval.approvers.groups"] ?? "Group ids, as in the groups claim of the token."}
                />
              </Stack>
              {approversError ? <FormHelperText>{approversError}</FormHelperText> : null}
            </FormControl>
            <FormControlLabel
              control={<Switch checked={approval.allowSelfApproval} onChange={(event) => onChange({ allowSelfApproval: event.target.checked })} />}
              label="Requester may approve their own request"
            />
            <TextField
              select
              size="small"
              id="approval-max-wait"
              label="Request waits at most"
              value={approval.maxWait}
              onChange={(event) => onChange({ maxWait: event.target.value })}
              error={errors["approval.maxWait"] !== undefined}
              helperText={errors["approval.maxWait"] ?? "Then it lapses, and the requester must ask again."}
              sx={{ maxWidth: 320 }}
            >
              {waitChoices(approval.maxWait).map((choice) => (
                <MenuItem key={choice.value} value={choice.value}>
                  {choice.label}
                </MenuItem>
              ))}
            </TextField>
            <FormControl error={errors["approval.clockStartsAt"] !== undefined}>
              <FormLabel id="approval-clock-label">Access time starts at</FormLabel>
              <RadioGroup
                row
                aria-labelledby="approval-clock-label"
                value={approval.clockStartsAt}
                onChange={(event) => onChange({ clockStartsAt: event.target.value === "request" ? "request" : "approval" })}
              >
                <FormControlLabel value="approval" control={<Radio size="small" />} label="The last approval" />
                <FormControlLabel value="request" control={<Radio size="small" />} label="The request" />
              </RadioGroup>
              <FormHelperText>
                {errors["approval.clockStartsAt"] ??
                  (approval.clockStartsAt === "approval"
                    ? "The requester gets the whole time they asked for, however long approval took."
                    : "Time spent waiting for approval counts against the time asked for.")}
              </FormHelperText>
            </FormControl>
            <AutoApproveFields rule={approval.autoApprove} errors={errors} onChange={(patch) => onChange({ autoApprove: { ...approval.autoApprove, ...patch } })} />
          </Stack>
        ) : null}
        <FormControlLabel control={<Switch checked={breakGlass} onChange={(event) => onBreakGlassChange(event.target.checked)} color="warning" />} label="Allow break-glass" />
        <Typography variant="body2" sx={caption}>
          In an emergency, requesters may open the ports at once without approval, with a justification; admins are notified and must
          review it afterwards.
        </Typography>
        {errors.breakGlass ? <Alert severity="error">Break-glass {errors.breakGlass}</Alert> : null}
        {errors.approval ? <Alert severity="error">Approval {errors.approval}</Alert> : null}
        {errors["approval.allowSelfApproval"] ? <Alert severity="error">Self-approval {errors["approval.allowSelfApproval"]}</Alert> : null}
      </Stack>
    </Paper>
  );
}
