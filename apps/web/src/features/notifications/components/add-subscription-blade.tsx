import { useState } from "react";
import {
  Alert,
  Button,
  Checkbox,
  FormControl,
  FormControlLabel,
  FormGroup,
  FormHelperText,
  FormLabel,
  LinearProgress,
  MenuItem,
  Stack,
  Switch,
  TextField,
} from "@mui/material";
import { ChannelKindSchema, notificationEventLabels, notificationEvents, type ChannelKind, type CreateNotificationSubscriptionResponse } from "@portcullis/contract";
import { Blade, BladeBody, BladeFooter } from "../../../components/blade.tsx";
import { ChipsField } from "../../../components/chips-field.tsx";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useCreateSubscription } from "../api/create-subscription.ts";
import {
  channelLabels,
  emptySubscriptionForm,
  minSecretLength,
  subscriptionBodyFromForm,
  subscriptionFieldErrors,
  toggleEvent,
  validateSubscriptionForm,
  type SubscriptionField,
  type SubscriptionForm,
} from "../utils/subscription-form.ts";
import { SecretOnce } from "./secret-once.tsx";

type AddSubscriptionBladeProps = {
  open: boolean;
  onClose: () => void;
  onAdded: (created: CreateNotificationSubscriptionResponse) => void;
};

const kinds = ChannelKindSchema.options;

function asKind(value: string): ChannelKind {
  return kinds.find((kind) => kind === value) ?? "webhook";
}

const urlHelp: Record<Exclude<ChannelKind, "email">, string> = {
  webhook: "Receives JSON, signed with HMAC-SHA256 and a timestamp. https to a public address (http only to localhost in development).",
  teams: "The Teams channel's incoming webhook URL; it is a secret and is shown shortened afterwards.",
  slack: "The Slack app's incoming webhook URL; it is a secret and is shown shortened afterwards.",
};

function AddSubscriptionForm({ onClose, onAdded }: { onClose: () => void; onAdded: (created: CreateNotificationSubscriptionResponse) => void }) {
  const [form, setForm] = useState<SubscriptionForm>(emptySubscriptionForm);
  const [attempted, setAttempted] = useState(false);
  const [created, setCreated] = useState<CreateNotificationSubscriptionResponse | undefined>(undefined);
  const create = useCreateSubscription();
  const clientErrors = validateSubscriptionForm(form);
  const server = create.isError ? subscriptionFieldErrors(create.error) : undefined;
  const errors = { ...server?.fields, ...(attempted ? clientErrors : {}) };
  // Each message sits under the field it is about, so it needs no field name.
  const message = (field: SubscriptionField) => errors[field];

  function change(patch: Partial<SubscriptionForm>) {
    setForm((current) => ({ ...current, ...patch }));
    // The server's refusal was about the form as it was sent.
    if (create.isError) create.reset();
  }

  function submit() {
    setAttempted(true);
    if (Object.keys(clientErrors).length > 0) return;
    create.mutate(subscriptionBodyFromForm(form), {
      onSuccess: (result) => {
        setCreated(result);
        onAdded(result);
      },
    });
  }

  if (created) {
    return (
      <>
        <BladeBody>
          <Stack spacing={2}>
            <Alert severity="success">
              {created.subscription.name} is added: {created.subscription.events.length} event{created.subscription.events.length === 1 ? "" : "s"} go to{" "}
              {created.subscription.targetDisplay}.
            </Alert>
            {created.secret ? <SecretOnce secret={created.secret} /> : null}
          </Stack>
        </BladeBody>
        <BladeFooter>
          <Button variant="contained" onClick={onClose}>
            Done
          </Button>
        </BladeFooter>
      </>
    );
  }

  const busy = create.isPending;
  return (
    <>
      <BladeBody>
        <Stack spacing={2.5}>
          <TextField
            id="subscription-name"
            label="Name"
            required
            value={form.name}
            onChange={(event) => change({ name: event.target.value })}
            error={errors.name !== undefined}
            helperText={message("name") ?? "How the rule is named in the list and the delivery log."}
            disabled={busy}
            autoComplete="off"
          />
          <TextField
            select
            id="subscription-kind"
            label="Kind"
            value={form.kind}
            onChange={(event) => change({ kind: asKind(event.target.value) })}
            error={errors.kind !== undefined}
            helperText={message("kind")}
            disabled={busy}
          >
            {kinds.map((kind) => (
              <MenuItem key={kind} value={kind}>
                {channelLabels[kind]}
              </MenuItem>
            ))}
          </TextField>
          {form.kind === "email" ? (
            <Stack spacing={1}>
              <ChipsField
                id="subscription-emails"
                label="Recipients"
                values={form.emails}
                onChange={(emails) => change({ emails })}
                error={errors.emails !== undefined}
                helperText={message("emails") ?? "E-mail addresses; press Enter after each."}
                disabled={busy}
              />
              <FormControlLabel
                control={<Checkbox checked={form.toRequester} onChange={(event) => change({ toRequester: event.target.checked })} />}
                label="Also e-mail the requester"
                disabled={busy}
              />
            </Stack>
          ) : (
            <TextField
              id="subscription-url"
              label="URL"
              required
              value={form.url}
              onChange={(event) => change({ url: event.target.value })}
              error={errors.url !== undefined}
              helperText={message("url") ?? urlHelp[form.kind]}
              disabled={busy}
              autoComplete="off"
              spellCheck={false}
              placeholder="https://"
            />
          )}
          {form.kind === "webhook" ? (
            <TextField
              id="subscription-secret"
              label="Webhook secret (optional)"
              type="password"
              value={form.secret}
              onChange={(event) => change({ secret: event.target.value })}
              error={errors.secret !== undefined}
              helperText={message("secret") ?? `At least ${minSecretLength} characters. Leave it empty and a secret is made for you, shown once.`}
              disabled={busy}
              autoComplete="new-password"
            />
          ) : null}
          <TextField
            id="subscription-scope"
            label="Scope"
            required
            value={form.scope}
            onChange={(event) => change({ scope: event.target.value })}
            error={errors.scope !== undefined}
            helperText={message("scope") ?? "/ for the whole tenant, or a subscription, resource group or VM id: events at or below it are sent."}
            disabled={busy}
            autoComplete="off"
            spellCheck={false}
          />
          <FormControl component="fieldset" error={errors.events !== undefined} disabled={busy}>
            <FormLabel component="legend">Events</FormLabel>
            <FormGroup>
              {notificationEvents.map((event) => (
                <FormControlLabel
                  key={event}
                  control={<Checkbox size="small" checked={form.events.includes(event)} onChange={(input) => change({ events: toggleEvent(form.events, event, input.target.checked) })} />}
                  label={notificationEventLabels[event]}
                />
              ))}
            </FormGroup>
            {errors.events ? <FormHelperText>{message("events")}</FormHelperText> : null}
          </FormControl>
          <FormControlLabel control={<Switch checked={form.enabled} onChange={(event) => change({ enabled: event.target.checked })} />} label="Enabled" disabled={busy} />
          {server?.other !== undefined ? <ErrorAlert error={server.other} title="The notification rule was not added" onClose={() => create.reset()} /> : null}
          {attempted && Object.keys(clientErrors).length > 0 ? <Alert severity="warning">Fix the highlighted fields, then press Add again.</Alert> : null}
        </Stack>
      </BladeBody>
      <BladeFooter>
        <Stack spacing={1}>
          {busy ? <LinearProgress aria-label="Adding the notification rule" /> : null}
          <Stack direction="row" spacing={1}>
            <Button variant="contained" onClick={submit} loading={busy}>
              Add
            </Button>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
          </Stack>
        </Stack>
      </BladeFooter>
    </>
  );
}

/** Add subscription: where to send which events, for which scope; a generated webhook secret is shown once. */
export function AddSubscriptionBlade({ open, onClose, onAdded }: AddSubscriptionBladeProps) {
  // A fresh form on every opening.
  const [openings, setOpenings] = useState(0);
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) setOpenings((count) => count + 1);
  }
  return (
    <Blade open={open} id="add-subscription-blade" title="Add notification rule" onClose={onClose} width={640}>
      <AddSubscriptionForm key={openings} onClose={onClose} onAdded={onAdded} />
    </Blade>
  );
}
