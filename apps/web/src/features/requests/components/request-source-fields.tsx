import { Alert, Button, FormControl, FormControlLabel, FormHelperText, FormLabel, IconButton, Radio, RadioGroup, Stack, TextField } from "@mui/material";
import AddIcon from "@mui/icons-material/Add";
import DeleteOutlineIcon from "@mui/icons-material/DeleteOutlineOutlined";
import type { RequestFieldErrors, SourceChoice } from "../utils/request-form.ts";

type RequestSourceFieldsProps = {
  source: SourceChoice;
  prefixes: readonly string[];
  /** The caller's address as the server sees it; null when it could not tell, undefined while asking. */
  myIp: string | null | undefined;
  hint: string;
  /** Set when the typed ranges open more than a requester could pick (which the chosen ports allow): core's words. */
  wideWarning: string | null;
  errors: RequestFieldErrors;
  disabled: boolean;
  onChange: (patch: { source?: SourceChoice; prefixes?: readonly string[] }) => void;
};

function myIpLabel(myIp: string | null | undefined): string {
  if (myIp === undefined) return "My IP (detecting…)";
  if (myIp === null) return "My IP (could not be detected)";
  return `My IP (${myIp})`;
}

/** Where access is granted from: the requester's own address, or the ranges they name. */
export function RequestSourceFields({ source, prefixes, myIp, hint, wideWarning, errors, disabled, onChange }: RequestSourceFieldsProps) {
  const choiceError = errors.sources;
  const listError = errors["sources.prefixes"];

  function setPrefix(position: number, value: string) {
    onChange({ prefixes: prefixes.map((prefix, i) => (i === position ? value : prefix)) });
  }

  return (
    <FormControl component="fieldset" error={choiceError !== undefined} disabled={disabled}>
      <FormLabel component="legend" sx={{ fontWeight: 600 }}>
        Source
      </FormLabel>
      <RadioGroup row value={source} onChange={(event) => onChange({ source: event.target.value === "ranges" ? "ranges" : "my-ip" })}>
        <FormControlLabel value="my-ip" control={<Radio size="small" />} label={myIpLabel(myIp)} disabled={disabled || myIp === null} />
        <FormControlLabel value="ranges" control={<Radio size="small" />} label="IP range" />
      </RadioGroup>
      {choiceError ? <FormHelperText>{choiceError}</FormHelperText> : null}
      {source === "ranges" ? (
        <Stack spacing={1} sx={{ mt: 1 }}>
          {prefixes.map((prefix, position) => {
            const error = errors[`sources.prefixes[${position}]`];
            return (
              <Stack key={position} direction="row" spacing={1} sx={{ alignItems: "flex-start" }}>
                <TextField
                  size="small"
                  id={`request-prefix-${position}`}
                  label={`IP address or CIDR range ${position + 1}`}
                  placeholder="203.0.113.0/24"
                  value={prefix}
                  onChange={(event) => setPrefix(position, event.target.value)}
                  error={error !== undefined}
                  helperText={error}
                  autoComplete="off"
                  spellCheck={false}
                  disabled={disabled}
                  sx={{ flex: 1, maxWidth: 420 }}
                />
                <IconButton
                  aria-label={`Remove address ${position + 1}`}
                  disabled={disabled || prefixes.length === 1}
                  onClick={() => onChange({ prefixes: prefixes.filter((_prefix, i) => i !== position) })}
                >
                  <DeleteOutlineIcon fontSize="small" />
                </IconButton>
              </Stack>
            );
          })}
          <FormHelperText error={false} sx={{ mx: 0 }}>
            {hint}
          </FormHelperText>
          {listError ? <FormHelperText error>{listError}</FormHelperText> : null}
          {wideWarning !== null ? (
            <Alert severity="error" variant="outlined">
              {wideWarning} Name only the addresses you connect from unless you really need this.
            </Alert>
          ) : null}
          <div>
            <Button size="small" startIcon={<AddIcon />} disabled={disabled} onClick={() => onChange({ prefixes: [...prefixes, ""] })}>
              Add address
            </Button>
          </div>
        </Stack>
      ) : null}
    </FormControl>
  );
}
