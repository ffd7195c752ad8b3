import { useRef, useState, type ChangeEvent } from "react";
import { Alert, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, FormControlLabel, Stack, TextField, Typography } from "@mui/material";
import UploadFileIcon from "@mui/icons-material/UploadFileOutlined";
import type { ImportPoliciesResponse } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useImportPolicies } from "../api/import-policies.ts";
import { describePolicyPort } from "../../../lib/policy-port-text.ts";
import { vmNameFromId } from "../../../lib/vm-name.ts";
import { parseJsonDocument } from "../utils/parse-json-document.ts";
import { NsgChangeList } from "./nsg-changes.tsx";

type ImportPoliciesDialogProps = { open: boolean; onClose: () => void };

/** What the file holds that Portcullis would not keep: each field with its value. */
function ImportLosses({ result }: { result: ImportPoliciesResponse }) {
  if (result.losses.length === 0) return null;
  return (
    <Alert severity="warning">
      <section aria-label="Fields that would be lost">
        <Typography variant="body2" sx={{ mb: 0.5 }}>
          {result.losses.length === 1
            ? "Portcullis does not understand this field of the file: it would not be kept, nor exported back."
            : `Portcullis does not understand these ${result.losses.length} fields of the file: they would not be kept, nor exported back.`}
        </Typography>
        <Stack component="ul" spacing={0.25} sx={{ m: 0, pl: 2.5 }}>
          {result.losses.map((loss) => (
            <Typography component="li" key={loss.field} variant="body2" sx={{ fontFamily: "monospace", fontSize: "0.8rem", wordBreak: "break-all" }}>
              {loss.field}: {loss.value}
            </Typography>
          ))}
        </Stack>
      </section>
    </Alert>
  );
}

function ImportSummary({ result }: { result: ImportPoliciesResponse }) {
  return (
    <Stack spacing={2}>
      {result.historicalRequests > 0 ? (
        <Typography variant="body2">
          {result.historicalRequests} past request{result.historicalRequests === 1 ? "" : "s"} from Defender{" "}
          {result.dryRun ? "will be" : "were"} kept as read-only history and exported back.
        </Typography>
      ) : null}
      <Stack spacing={0.5} component="section" aria-label="Policies in the file">
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
          {result.policies.length} VM{result.policies.length === 1 ? "" : "s"}
        </Typography>
        {result.policies.map((policy) => (
          <Typography key={policy.vmId} variant="body2" title={policy.vmId}>
            <strong>{vmNameFromId(policy.vmId)}</strong>: {policy.ports.map(describePolicyPort).join("; ")}
          </Typography>
        ))}
      </Stack>
      <Stack spacing={1} component="section" aria-label="Network security group changes">
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
          Network security groups
        </Typography>
        <NsgChangeList nsgs={result.nsgs} />
      </Stack>
    </Stack>
  );
}

/** Moves policies off Defender for Cloud: paste or upload its JSON, see what it would do, then apply. */
export function ImportPoliciesDialog({ open, onClose }: ImportPoliciesDialogProps) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [lossesAccepted, setLossesAccepted] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const dryRun = useImportPolicies();
  const apply = useImportPolicies();
  const busy = dryRun.isPending || apply.isPending;

  function reset() {
    setText("");
    setProblem(undefined);
    setLossesAccepted(false);
    dryRun.reset();
    apply.reset();
  }

  function close() {
    if (busy) return;
    reset();
    onClose();
  }

  function changeText(value: string) {
    setText(value);
    setProblem(undefined);
    setLossesAccepted(false);
    dryRun.reset();
  }

  async function upload(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (file) changeText(await file.text());
  }

  function runDryRun() {
    const parsed = parseJsonDocument(text);
    if (!parsed.ok) {
      setProblem(parsed.problem);
      return;
    }
    dryRun.mutate({ document: parsed.document, dryRun: true });
  }

  function runApply() {
    const parsed = parseJsonDocument(text);
    const acceptLosses = lossesAccepted ? dryRun.data?.losses.map((loss) => loss.field) : undefined;
    if (parsed.ok) apply.mutate({ document: parsed.document, dryRun: false, ...(acceptLosses === undefined ? {} : { acceptLosses }) });
  }

  const stage = apply.isSuccess ? "applied" : dryRun.isSuccess ? "planned" : "input";
  const mustAccept = (dryRun.data?.losses.length ?? 0) > 0 && !lossesAccepted;

  return (
    <Dialog open={open} onClose={close} aria-labelledby="import-policies-title" maxWidth="md" fullWidth>
      <DialogTitle id="import-policies-title">Import JIT policies</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          {stage === "input" ? (
            <>
              <DialogContentText>
                Paste a Defender for Cloud JIT policy (Microsoft.Security/locations/jitNetworkAccessPolicies) or a list of them, as
                exported from Azure. A dry run shows what would change before anything is written.
              </DialogContentText>
              <TextField
                label="Defender policy JSON"
                multiline
                minRows={8}
                maxRows={18}
                value={text}
                onChange={(event) => changeText(event.target.value)}
                error={problem !== undefined}
                helperText={problem}
                spellCheck={false}
                slotProps={{ htmlInput: { sx: { fontFamily: "monospace", fontSize: "0.8rem" } } }}
              />
              <div>
                <input ref={fileInput} type="file" accept="application/json,.json" hidden aria-label="Policy file" onChange={(event) => void upload(event)} />
                <Button startIcon={<UploadFileIcon />} onClick={() => fileInput.current?.click()}>
                  Upload file
                </Button>
              </div>
              {dryRun.isError ? <ErrorAlert error={dryRun.error} title="The policy cannot be imported" /> : null}
            </>
          ) : null}
          {stage === "planned" && dryRun.data ? (
            <>
              <Alert severity="info">Dry run: nothing has been written yet. Apply writes these rules.</Alert>
              <ImportLosses result={dryRun.data} />
              {dryRun.data.losses.length > 0 ? (
                <FormControlLabel
                  control={<Checkbox checked={lossesAccepted} onChange={(event) => setLossesAccepted(event.target.checked)} />}
                  label="Import without these fields"
                />
              ) : null}
              <ImportSummary result={dryRun.data} />
              {apply.isError ? <ErrorAlert error={apply.error} title="The import was not applied" /> : null}
            </>
          ) : null}
          {stage === "applied" && apply.data ? (
            <>
              <Alert severity="success">
                Imported {apply.data.policies.length} polic{apply.data.policies.length === 1 ? "y" : "ies"}.
              </Alert>
              <ImportSummary result={apply.data} />
            </>
          ) : null}
        </Stack>
      </DialogContent>
      <DialogActions>
        {stage === "input" ? (
          <>
            <Button onClick={close}>Cancel</Button>
            <Button variant="contained" onClick={runDryRun} loading={dryRun.isPending}>
              Dry run
            </Button>
          </>
        ) : null}
        {stage === "planned" ? (
          <>
            <Button
              onClick={() => {
                apply.reset();
                dryRun.reset();
                setLossesAccepted(false);
              }}
              disabled={apply.isPending}
            >
              Back
            </Button>
            <Button variant="contained" onClick={runApply} loading={apply.isPending} disabled={mustAccept}>
              Apply
            </Button>
          </>
        ) : null}
        {stage === "applied" ? (
          <Button variant="contained" onClick={close}>
            Done
          </Button>
        ) : null}
      </DialogActions>
    </Dialog>
  );
}
