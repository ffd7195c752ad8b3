import { useState } from "react";
import { Alert, AlertTitle, Button, Checkbox, FormControlLabel, FormHelperText, LinearProgress, Stack, Switch, Typography } from "@mui/material";
import AddIcon from "@mui/icons-material/Add";
import type { PutPoliciesBody, PutPoliciesResponse } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { usePolicyPreview } from "../api/preview-policies.ts";
import { useSavePolicies } from "../api/put-policies.ts";
import { useDebouncedValue } from "../hooks/use-debounced-value.ts";
import { failedNsgName } from "../utils/failed-nsg.ts";
import type { PolicyDifference } from "../utils/policy-differences.ts";
import type { ApprovalForm } from "../utils/approval-form.ts";
import { newRule, putBodyFromForm, validatePolicyForm, type PolicyForm, type PortRuleForm } from "../utils/policy-form.ts";
import { serverFieldErrors } from "../utils/problem-fields.ts";
import { BladeBody, BladeFooter, useBladeClose, useBladeDirty } from "../../../components/blade.tsx";
import { ApprovalFields } from "./approval-fields.tsx";
import { JustificationFields } from "./justification-fields.tsx";
import { NsgChangeList } from "./nsg-changes.tsx";
import { PolicyPreview, type PreviewState } from "./policy-preview.tsx";
import { PortRuleFields } from "./port-rule-fields.tsx";

export const previewDebounceMs = 400;

type PolicyEditorProps = {
  vmIds: readonly string[];
  initialForm: PolicyForm;
  /** Edit: the versions the rules were read at, so a concurrent change is refused rather than lost. */
  expectedVersions?: Record<string, number>;
  verb: "enable" | "edit";
  /** Edit of several VMs: how the other VMs' stored rules differ from the ones shown (Save replaces them all). */
  differences?: readonly PolicyDifference[];
  onCancel: () => void;
  onSaved: (result: PutPoliciesResponse) => void;
};

function countLabel(count: number): string {
  return `${count} VM${count === 1 ? "" : "s"}`;
}

/** The rules form, its live preview and Save; after saving, what was written where. */
export function PolicyEditor({ vmIds, initialForm, expectedVersions, verb, differences = [], onCancel, onSaved }: PolicyEditorProps) {
  // The form as it began (a later `initialForm` is a fresh copy with new row keys, so it is not compared against).
  const [initial] = useState(initialForm);
  const [form, setForm] = useState(initial);
  const [saved, setSaved] = useState<PutPoliciesResponse | undefined>(undefined);
  // Rules that differ between the VMs are replaced only once the admin says so.
  const [replaceDiffering, setReplaceDiffering] = useState(false);
  const mustConfirm = differences.length > 0 && !replaceDiffering;
  const save = useSavePolicies();
  // Edited rules ask before they are thrown away; saved ones have nothing left to lose.
  useBladeDirty(saved === undefined && form !== initial);
  const cancel = useBladeClose(onCancel);

  const clientErrors = validatePolicyForm(form);
  const body: PutPoliciesBody | undefined = (Object.keys(clientErrors).length === 0 ? putBodyFromForm(vmIds, form) : null) ?? undefined;
  // The plan depends on the ports alone: approval and break-glass change no NSG rule, so they are not planned again.
  const planned: PutPoliciesBody | undefined = body ? { vmIds: body.vmIds, ports: body.ports } : undefined;
  const settled = useDebouncedValue(planned, previewDebounceMs);
  // Once saved, the plan is history: no need to plan the saved rules again.
  const preview = usePolicyPreview(planned === undefined || saved ? undefined : settled);
  const waiting = planned !== undefined && JSON.stringify(planned) !== JSON.stringify(settled);

  const previewProblems = preview.isError ? serverFieldErrors(preview.error) : undefined;
  const saveProblems = save.isError ? serverFieldErrors(save.error) : undefined;
  const serverFields = { ...previewProblems?.fields, ...saveProblems?.fields };
  const errors = { ...serverFields, ...clientErrors };
  const refusedByServer = Object.keys(previewProblems?.fields ?? {}).length > 0;

  function change(next: PolicyForm) {
    setForm(next);
    // A refusal was about the rules as they were.
    if (save.isError) save.reset();
  }

  function changeRule(index: number, patch: Partial<PortRuleForm>) {
    change({ ...form, rules: form.rules.map((rule, i) => (i === index ? { ...rule, ...patch } : rule)) });
  }

  function changeApproval(patch: Partial<ApprovalForm>) {
    change({ ...form, approval: { ...form.approval, ...patch } });
  }

  function submit() {
    if (!body || mustConfirm) return;
    save.mutate(expectedVersions ? { ...body, expectedVersions } : body, {
      onSuccess: (result) => {
        setSaved(result);
        onSaved(result);
      },
    });
  }

  if (saved) {
    return (
      <>
        <BladeBody>
        <Stack spacing={2}>
          <Alert severity="success">
            {verb === "enable" ? "JIT is enabled" : "The JIT rules are saved"} on {countLabel(saved.policies.length)}:{" "}
            {saved.policies.map((policy) => policy.vmName).join(", ")}.
          </Alert>
          <Typography variant="h3" sx={{ fontSize: "1rem", fontWeight: 600 }}>
            Network security groups written
          </Typography>
          <NsgChangeList nsgs={saved.nsgs} />
        </Stack>
        </BladeBody>
        <BladeFooter>
          <Button variant="contained" onClick={onCancel}>
            Done
          </Button>
        </BladeFooter>
      </>
    );
  }

  const previewState: PreviewState = (() => {
    if (planned === undefined) return { kind: "invalid" };
    if (refusedByServer) return { kind: "refused", other: previewProblems?.other };
    if (preview.isError && !preview.isFetching) {
      return { kind: "failed", error: previewProblems?.other ?? preview.error, retry: () => void preview.refetch(), retrying: preview.isFetching };
    }
    if (preview.data) return { kind: "ready", plan: preview.data, updating: waiting || preview.isFetching };
    return { kind: "loading" };
  })();

  const saveFailedAt = save.isError ? failedNsgName(save.error) : undefined;
  const saveBanner = saveProblems?.other;

  return (
    <>
      <BladeBody>
      <Stack spacing={2}>
        {differences.length > 0 ? <DifferingRules differences={differences} count={vmIds.length} confirmed={replaceDiffering} onConfirm={setReplaceDiffering} /> : null}
        <Stack spacing={1.5}>
          {form.rules.map((rule, index) => (
            <PortRuleFields
              key={rule.key}
              rule={rule}
              index={index}
              errors={errors}
              approvalRequired={form.approval.required}
              onChange={(patch) => changeRule(index, patch)}
              onRemove={form.rules.length > 1 ? () => change({ ...form, rules: form.rules.filter((_rule, i) => i !== index) }) : undefined}
            />
          ))}
          {errors.ports ? <Alert severity="error">{errors.ports}</Alert> : null}
          <div>
            <Button startIcon={<AddIcon />} onClick={() => change({ ...form, rules: [...form.rules, newRule(undefined)] })}>
              Add port
            </Button>
          </div>
        </Stack>
        <JustificationFields justification={form.justification} errors={errors} onChange={(patch) => change({ ...form, justification: { ...form.justification, ...patch } })} />
        <ApprovalFields
          approval={form.approval}
          breakGlass={form.breakGlass}
          errors={errors}
          onChange={changeApproval}
          onBreakGlassChange={(breakGlass) => change({ ...form, breakGlass })}
        />
        <FormControlLabel
          control={<Switch checked={form.endLiveSessions} onChange={(event) => change({ ...form, endLiveSessions: event.target.checked })} />}
          label="End live sessions when access ends"
        />
        <FormHelperText sx={{ mt: -1 }}>
          Revoke and expiry then cut connections opened during the access, not only new ones. It sets flushConnection on
          every network security group in front of the VM, so any rule change there re-evaluates all of that group&apos;s
          established connections, other VMs&apos; included; Remove restores the previous setting.
        </FormHelperText>
        <PolicyPreview state={previewState} />
        {save.isError && saveBanner !== undefined ? (
          <ErrorAlert
            error={saveBanner}
            title={saveFailedAt ? `Saving failed at network security group ${saveFailedAt}` : "The JIT policy was not saved"}
            onClose={() => save.reset()}
          />
        ) : null}
      </Stack>
      </BladeBody>
      <BladeFooter>
        <Stack spacing={1}>
          {save.isPending ? <LinearProgress aria-label="Saving" /> : null}
          <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
            <Button variant="contained" onClick={submit} disabled={body === undefined || refusedByServer || mustConfirm} loading={save.isPending}>
              Save
            </Button>
            <Button onClick={cancel} disabled={save.isPending}>
              Cancel
            </Button>
            {save.isPending ? (
              <Typography variant="body2" role="status" sx={{ color: "text.secondary" }}>
                Writing the network security groups…
              </Typography>
            ) : null}
          </Stack>
        </Stack>
      </BladeFooter>
    </>
  );
}

/**
 * Edit of several VMs whose stored rules differ: the form shows the first VM's, and Save gives every VM what the form
 * shows, so the blade names what else Save would change on each VM and asks before it does.
 */
function DifferingRules({ differences, count, confirmed, onConfirm }: { differences: readonly PolicyDifference[]; count: number; confirmed: boolean; onConfirm: (confirmed: boolean) => void }) {
  return (
    <Alert severity="warning">
      <AlertTitle>These VMs&apos; rules differ</AlertTitle>
      <Typography variant="body2">The form shows the first VM&apos;s rules. Save gives all {count} VMs the rules shown, which also changes:</Typography>
      <ul style={{ margin: "4px 0", paddingLeft: 20 }}>
        {differences.map((difference) => (
          <li key={difference.vmName}>
            <Typography variant="body2">
              <strong>{difference.vmName}</strong>: {difference.differences.join("; ")}
            </Typography>
          </li>
        ))}
      </ul>
      <FormControlLabel control={<Checkbox checked={confirmed} onChange={(event) => onConfirm(event.target.checked)} />} label={`Replace the rules of all ${count} VMs`} />
    </Alert>
  );
}
