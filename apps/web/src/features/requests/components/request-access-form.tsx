import { useState } from "react";
import { Alert, Button, LinearProgress, Stack, TextField, Typography } from "@mui/material";
import type { CreateAccessRequestBody } from "@portcullis/contract";
import { BladeBody, BladeFooter, useBladeClose, useBladeDirty } from "../../../components/blade.tsx";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { approvalsNeededText } from "../../../lib/access-text.ts";
import { useCreateAccessRequest, type CreateAccessRequestResult } from "../api/create-access-request.ts";
import type { RequestPolicy } from "../api/get-request-policy.ts";
import type { RequestTarget } from "../hooks/request-access.tsx";
import { requestFieldErrors } from "../utils/problem-fields.ts";
import {
  sourceSizeCheck,
  formMaxMinutes,
  formWaitsForApproval,
  initialRequestForm,
  maxJustificationLength,
  portNeedsApproval,
  requestBodyFromForm,
  selectedPorts,
  togglePort,
  validateRequestForm,
  type RequestForm,
} from "../utils/request-form.ts";
import { justificationRuleText, openingText, rangeHint } from "../utils/request-text.ts";
import { BreakGlassField } from "./break-glass-field.tsx";
import { GrantResult } from "./grant-result.tsx";
import { PortSwitches } from "./port-switches.tsx";
import { RequestSentResult } from "./request-sent-result.tsx";
import { RequestSourceFields } from "./request-source-fields.tsx";
import { TimeRangeField } from "./time-range-field.tsx";

type RequestAccessFormProps = {
  vm: RequestTarget;
  policy: RequestPolicy;
  /** The caller's address as the server sees it; null when it cannot tell. */
  myIp: string | null;
  onClose: () => void;
};

/**
 * The request form; once the server has opened the ports, the grant and how to connect, or, where the policy asks
 * for approval, that the request waits for it.
 */
export function RequestAccessForm({ vm, policy, myIp, onClose }: RequestAccessFormProps) {
  const [initial] = useState<RequestForm>(() => initialRequestForm(policy, myIp !== null));
  const [form, setForm] = useState<RequestForm>(initial);
  const [attempted, setAttempted] = useState(false);
  const [sent, setSent] = useState<CreateAccessRequestBody | undefined>(undefined);
  const [result, setResult] = useState<CreateAccessRequestResult | undefined>(undefined);
  const create = useCreateAccessRequest();
  const nsgNames = vm.nsgNames ?? [];

  const clientErrors = validateRequestForm(policy, form);
  const server = create.isError && sent ? requestFieldErrors(create.error, sent) : undefined;
  const errors = { ...server?.fields, ...(attempted ? clientErrors : {}) };
  const chosen = selectedPorts(policy, form);
  const max = formMaxMinutes(policy, form);
  const busy = create.isPending;
  const waits = formWaitsForApproval(policy, form);
  const submitLabel = waits ? "Request approval" : "Open ports";
  const justificationRequired = policy.justificationRequired || form.breakGlass;
  // A half-filled request asks before it is thrown away; a sent one has nothing left to lose.
  useBladeDirty(result === undefined && JSON.stringify(form) !== JSON.stringify(initial));
  const cancel = useBladeClose(onClose);

  function change(next: RequestForm) {
    setForm(next);
    // The server's refusal was about the form as it was sent.
    if (create.isError) create.reset();
  }

  function submit() {
    setAttempted(true);
    if (Object.keys(clientErrors).length > 0) return;
    const body = requestBodyFromForm(vm.id, policy, form);
    setSent(body);
    create.mutate(body, { onSuccess: setResult });
  }

  if (result) {
    return (
      <>
        <BladeBody>
          {result.kind === "grant" ? <GrantResult grant={result.grant} nsgNames={nsgNames} /> : <RequestSentResult request={result.request} />}
        </BladeBody>
        <BladeFooter>
          <Button variant="contained" onClick={onClose}>
            Done
          </Button>
        </BladeFooter>
      </>
    );
  }

  return (
    <>
      <BladeBody>
        <Stack spacing={3}>
          <PortSwitches
            ports={policy.ports}
            selected={form.selected}
            errors={errors}
            disabled={busy}
            needsApproval={(port) => portNeedsApproval(policy, port)}
            onToggle={(key, on) => change(togglePort(policy, form, key, on))}
          />
          {waits && policy.approval ? (
            <Typography variant="body2" role="note" sx={{ color: "text.secondary" }}>
              {approvalsNeededText(policy.approval.requiredApprovals)} before the ports open; approvers are notified when you send the request.
              {policy.approval.autoApprove ? ` A request that meets the automatic approval rule "${policy.approval.autoApprove.name}" opens at once.` : null}
            </Typography>
          ) : null}
          <RequestSourceFields
            source={form.source}
            prefixes={form.prefixes}
            myIp={myIp}
            hint={rangeHint(chosen.length > 0 ? chosen : policy.ports)}
            wideWarning={sourceSizeCheck(policy, form).warning}
            errors={errors}
            disabled={busy}
            onChange={(patch) => change({ ...form, ...patch })}
          />
          <TimeRangeField
            duration={form.duration}
            customMinutes={form.customMinutes}
            max={max}
            error={errors.durationMinutes}
            disabled={busy}
            onChange={(patch) => change({ ...form, ...patch })}
          />
          {/* Break-glass skips approval, so it is offered only where some port needs approval. */}
          {policy.breakGlass && policy.ports.some((port) => portNeedsApproval(policy, port)) ? (
            <BreakGlassField checked={form.breakGlass} error={errors.breakGlass} disabled={busy} onChange={(breakGlass) => change({ ...form, breakGlass })} />
          ) : null}
          <TextField
            id="request-justification"
            label="Justification"
            multiline
            minRows={3}
            required={justificationRequired}
            value={form.justification}
            onChange={(event) => change({ ...form, justification: event.target.value })}
            error={errors.justification !== undefined}
            helperText={
              errors.justification ??
              `${form.breakGlass ? "Required for break-glass. " : policy.justificationRequired ? "Required by this VM's policy. " : ""}${justificationRuleText(policy.justificationRule)}Why you need access; ${waits ? "approvers and " : ""}auditors read it. ${[...form.justification].length}/${maxJustificationLength}`
            }
            disabled={busy}
          />
          {server?.other !== undefined ? <ErrorAlert error={server.other} title={waits ? "The request was not sent" : "Access was not opened"} onClose={() => create.reset()} /> : null}
          {attempted && Object.keys(clientErrors).length > 0 ? <Alert severity="warning">Fix the highlighted fields, then press {submitLabel} again.</Alert> : null}
        </Stack>
      </BladeBody>
      <BladeFooter>
        <Stack spacing={1}>
          {busy ? <LinearProgress aria-label={waits ? "Sending the request" : "Opening ports"} /> : null}
          <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
            <Button variant="contained" color={form.breakGlass ? "warning" : "primary"} onClick={submit} loading={busy}>
              {submitLabel}
            </Button>
            <Button onClick={cancel} disabled={busy}>
              Cancel
            </Button>
            {busy && sent ? (
              <Typography variant="body2" role="status" sx={{ color: "text.secondary" }}>
                {waits ? "Sending the request for approval…" : openingText(sent.ports, nsgNames)}
              </Typography>
            ) : null}
          </Stack>
        </Stack>
      </BladeFooter>
    </>
  );
}
