import { Alert, Button, FormControl, FormControlLabel, FormHelperText, FormLabel, IconButton, Radio, RadioGroup, Stack, TextField } from "@mui/material";
import AddIcon from "@mui/icons-material/Add";
import DeleteOutlineIcon from "@mui/icons-material/DeleteOutlineOutlined";
import type { FieldErrors } from "../utils/problem-fields.ts";
import type { PortRuleForm, SourceKind } from "../utils/policy-form.ts";

type SourceFieldsProps = {
  rule: PortRuleForm;
  index: number;
  errors: FieldErrors;
  onChange: (patch: Partial<PortRuleForm>) => void;
};

const kinds: ReadonlyArray<{ value: SourceKind; label: string }> = [
  { value: "per-request", label: "Per request" },
  { value: "any", label: "Any (open to the Internet)" },
  { value: "prefixes", label: "IP addresses / CIDR ranges" },
];

function asKind(value: string): SourceKind {
  return kinds.find((kind) => kind.value === value)?.value ?? "per-request";
}

/** "Allowed source IPs" of one rule: who may be let in when access is granted. */
export function SourceFields({ rule, index, errors, onChange }: SourceFieldsProps) {
  const field = `ports[${index}].allowedSources`;
  const labelId = `rule-${rule.key}-sources-label`;
  const kindError = errors[field];
  const listError = errors[`${field}.prefixes`];

  function setPrefix(position: number, value: string) {
    onChange({ prefixes: rule.prefixes.map((prefix, i) => (i === position ? value : prefix)) });
  }

  return (
    <FormControl error={kindError !== undefined}>
      <FormLabel id={labelId} sx={{ fontSize: "0.8rem" }}>
        Allowed source IPs
      </FormLabel>
      <RadioGroup row aria-labelledby={labelId} value={rule.sourceKind} onChange={(event) => onChange({ sourceKind: asKind(event.target.value) })}>
        {kinds.map((kind) => (
          <FormControlLabel key={kind.value} value={kind.value} control={<Radio size="small" />} label={kind.label} />
        ))}
      </RadioGroup>
      {kindError ? <FormHelperText>{kindError}</FormHelperText> : null}
      {rule.sourceKind === "per-request" ? (
        <>
          <FormHelperText sx={{ mx: 0 }}>
            The requester chooses: their own IP (the default) or ranges they name, together no wider than the limits below.
          </FormHelperText>
          <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ mt: 1 }}>
            <TextField
              size="small"
              id={`rule-${rule.key}-max-prefix-v4`}
              label="Widest IPv4 range (/n)"
              value={rule.maxPrefixV4}
              onChange={(event) => onChange({ maxPrefixV4: event.target.value })}
              error={errors[`${field}.maxPrefixSize.ipv4`] !== undefined}
              helperText={errors[`${field}.maxPrefixSize.ipv4`] ?? "8 to 32; /24 is 256 addresses"}
              slotProps={{ htmlInput: { inputMode: "numeric" } }}
              sx={{ maxWidth: 200 }}
            />
            <TextField
              size="small"
              id={`rule-${rule.key}-max-prefix-v6`}
              label="Widest IPv6 range (/n)"
              value={rule.maxPrefixV6}
              onChange={(event) => onChange({ maxPrefixV6: event.target.value })}
              error={errors[`${field}.maxPrefixSize.ipv6`] !== undefined}
              helperText={errors[`${field}.maxPrefixSize.ipv6`] ?? "16 to 128; /56 is one site"}
              slotProps={{ htmlInput: { inputMode: "numeric" } }}
              sx={{ maxWidth: 200 }}
            />
          </Stack>
        </>
      ) : null}
      {rule.sourceKind === "any" ? (
        <Alert severity="error" variant="outlined" sx={{ mt: 1 }}>
          Any address on the Internet could be let in on port {rule.port.trim() || "this port"} while access is granted. Prefer Per request or a
          list of ranges.
        </Alert>
      ) : null}
      {rule.sourceKind === "prefixes" ? (
        <Stack spacing={1} sx={{ mt: 1 }}>
          {rule.prefixes.map((prefix, position) => {
            const error = errors[`${field}.prefixes[${position}]`];
            return (
              <Stack key={position} direction="row" spacing={1} sx={{ alignItems: "flex-start" }}>
                <TextField
                  size="small"
                  id={`rule-${rule.key}-prefix-${position}`}
                  label={`IP address or CIDR range ${position + 1}`}
                  placeholder="203.0.113.0/24"
                  value={prefix}
                  onChange={(event) => setPrefix(position, event.target.value)}
                  error={error !== undefined}
                  helperText={error}
                  autoComplete="off"
                  spellCheck={false}
                  sx={{ flex: 1, maxWidth: 420 }}
                />
                <IconButton
                  aria-label={`Remove address ${position + 1} of rule ${index + 1}`}
                  disabled={rule.prefixes.length === 1}
                  onClick={() => onChange({ prefixes: rule.prefixes.filter((_prefix, i) => i !== position) })}
                >
                  <DeleteOutlineIcon fontSize="small" />
                </IconButton>
              </Stack>
            );
          })}
          {listError ? <FormHelperText error>{listError}</FormHelperText> : null}
          <div>
            <Button size="small" startIcon={<AddIcon />} onClick={() => onChange({ prefixes: [...rule.prefixes, ""] })}>
              Add address
            </Button>
          </div>
        </Stack>
      ) : null}
    </FormControl>
  );
}
