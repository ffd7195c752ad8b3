import { useState } from "react";
import { Alert, Button, LinearProgress, Stack, TextField, Typography } from "@mui/material";
import type { CreateAccessRequestBody, Grant } from "@portcullis/contract";
import { BladeBody, BladeFooter } from "../../../components/blade.tsx";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useCreateAccessRequest } from "../api/create-access-request.ts";
import type { RequestPolicy } from "../api/get-request-policy.ts";
import type { RequestTarget } from "../hooks/request-access.tsx";
import { requestFieldErrors } from "../utils/problem-fields.ts";
import {
  everyoneRanges,
  formMaxMinutes,
  initialRequestForm,
  maxJustificationLength,
  requestBodyFromForm,
  selectedPorts,
  togglePort,
  validateRequestForm,
  type RequestForm,
} from "../utils/request-form.ts";
import { openingText, rangeHint } from "../utils/request-text.ts";
import { GrantResult } from "./grant-result.tsx";
import { PortSwitches } from "./port-switches.tsx";
import { RequestSourceFields } from "./request-source-fields.tsx";
import { TimeRangeField } from "./time-range-field.tsx";

type RequestAccessFormProps = {
  vm: RequestTarget;
  policy: RequestPolicy;
  /** The caller's address as the server sees it; null when it cannot tell. */
  myIp: string | null;
  onClose: () => void;
};

/** The request form; once the server has opened the ports, the grant and how to connect. */
export function RequestAccessForm({ vm, policy, myIp, onClose }: RequestAccessFormProps) {
  const [form, setForm] = useState<RequestForm>(() => initialRequestForm(policy, myIp !== null));
  const [attempted, setAttempted] = useState(false);
  const [sent, setSent] = useState<CreateAccessRequestBody | undefined>(undefined);
  const [grant, setGrant] = useState<Grant | undefined>(undefined);
  const create = useCreateAccessRequest();
  const nsgNames = vm.nsgNames ?? [];

  const clientErrors = validateRequestForm(policy, form);
  const server = create.isError && sent ? requestFieldErrors(create.error, sent) : undefined;
  const errors = { ...server?.fields, ...(attempted ? clientErrors : {}) };
  const chosen = selectedPorts(policy, form);
  const max = formMaxMinutes(policy, form);
  const busy = create.isPending;

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
    create.mutate(body, { onSuccess: setGrant });
  }

  if (grant) {
    return (
      <>
        <BladeBody>
          <GrantResult grant={grant} nsgNames={nsgNames} />
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
            onToggle={(key, on) => change(togglePort(policy, form, key, on))}
          />
          <RequestSourceFields
            source={form.source}
            prefixes={form.prefixes}
            myIp={myIp}
            hint={rangeHint(chosen.length > 0 ? chosen : policy.ports)}
            everyone={everyoneRanges(policy, form)}
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
          <TextField
            id="request-justification"
            label="Justification"
            multiline
            minRows={3}
            required={policy.justificationRequired}
            value={form.justification}
            onChange={(event) => change({ ...form, justification: event.target.value })}
            error={errors.justification !== undefined}
            helperText={
              errors.justification ??
              `${policy.justificationRequired ? "Required by this VM's policy. " : ""}Why you need access; auditors read it. ${[...form.justification].length}/${maxJustificationLength}`
            }
            disabled={busy}
          />
          {server?.other !== undefined ? <ErrorAlert error={server.other} title="Access was not opened" onClose={() => create.reset()} /> : null}
          {attempted && Object.keys(clientErrors).length > 0 ? <Alert severity="warning">Fix the highlighted fields, then press Open ports again.</Alert> : null}
        </Stack>
      </BladeBody>
      <BladeFooter>
        <Stack spacing={1}>
          {busy ? <LinearProgress aria-label="Opening ports" /> : null}
          <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
            <Button variant="contained" onClick={submit} loading={busy}>
              Open ports
            </Button>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            {busy && sent ? (
              <Typography variant="body2" role="status" sx={{ color: "text.secondary" }}>
                {openingText(sent.ports, nsgNames)}
              </Typography>
            ) : null}
          </Stack>
        </Stack>
      </BladeFooter>
    </>
  );
}
