import { useState, type ReactNode } from "react";
import { Alert, Button, Paper, Snackbar, Stack, Typography } from "@mui/material";
import AddIcon from "@mui/icons-material/Add";
import type { NotificationSubscription } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useCurrentUser } from "../../../lib/auth/current-user.tsx";
import { canSomewhere } from "../../../lib/permissions.ts";
import { useSubscriptions } from "../api/get-subscriptions.ts";
import { useTestSubscription } from "../api/test-subscription.ts";
import { useUpdateSubscription } from "../api/update-subscription.ts";
import { AddSubscriptionBlade } from "./add-subscription-blade.tsx";
import { DeleteSubscriptionDialog } from "./delete-subscription-dialog.tsx";
import { DeliveryLog } from "./delivery-log.tsx";
import { SubscriptionsTable } from "./subscriptions-table.tsx";

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack component="section" aria-label={title} spacing={1}>
      <Typography variant="h2" sx={{ fontSize: "1.1rem", fontWeight: 600 }}>
        {title}
      </Typography>
      {children}
    </Stack>
  );
}

/** Who is told about what (webhooks, Teams, Slack, e-mail), and the log of what was sent. */
export function NotificationsView() {
  const me = useCurrentUser();
  const mayWrite = canSomewhere(me, "jit.notifications.write");
  const subscriptions = useSubscriptions();
  const update = useUpdateSubscription();
  const test = useTestSubscription();
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<NotificationSubscription | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const busyId = update.isPending ? update.variables.id : test.isPending ? test.variables : undefined;

  const actions = mayWrite
    ? {
        setEnabled: (subscription: NotificationSubscription, enabled: boolean) =>
          update.mutate(
            { id: subscription.id, patch: { enabled } },
            { onSuccess: (saved) => setNotice(`${saved.name} is ${saved.enabled ? "on" : "off"}.`) },
          ),
        test: (subscription: NotificationSubscription) =>
          test.mutate(subscription.id, { onSuccess: () => setNotice(`Test sent to ${subscription.name}: its delivery shows in the log below.`) }),
        remove: setDeleting,
        busyId,
        switching: update.isPending && update.variables.patch.enabled !== undefined ? { id: update.variables.id, enabled: update.variables.patch.enabled } : undefined,
      }
    : undefined;

  return (
    <Stack spacing={3}>
      <Stack spacing={1}>
        <Typography variant="h1">Notifications</Typography>
        <Typography variant="body2" sx={{ color: "text.secondary", maxWidth: 880 }}>
          Requests waiting for approval, decisions, opened and expiring access, revocations and drift, sent to webhooks (signed with
          HMAC-SHA256), Microsoft Teams, Slack or e-mail. Failed deliveries are retried with backoff and never hold up access.
        </Typography>
      </Stack>
      {mayWrite ? (
        <div>
          <Button variant="contained" startIcon={<AddIcon />} onClick={() => setAdding(true)}>
            Add notification rule
          </Button>
        </div>
      ) : null}
      {update.isError ? <ErrorAlert error={update.error} title="The notification rule was not changed" onClose={() => update.reset()} /> : null}
      {test.isError ? <ErrorAlert error={test.error} title="The test was not sent" onClose={() => test.reset()} /> : null}
      <Section title="Notification rules">
        {subscriptions.isError ? (
          <ErrorAlert error={subscriptions.error} title="The notification rules could not be loaded" onRetry={() => void subscriptions.refetch()} retrying={subscriptions.isFetching} />
        ) : (
          <Paper variant="outlined">
            <SubscriptionsTable subscriptions={subscriptions.data?.items} actions={actions} />
          </Paper>
        )}
      </Section>
      <Section title="Delivery log">
        <Paper variant="outlined">
          <DeliveryLog subscriptions={subscriptions.data?.items} />
        </Paper>
      </Section>
      {mayWrite ? (
        <>
          <AddSubscriptionBlade
            open={adding}
            onClose={() => setAdding(false)}
            onAdded={(created) => setNotice(`${created.subscription.name} is added.`)}
          />
          <DeleteSubscriptionDialog
            subscription={deleting}
            onClose={() => setDeleting(undefined)}
            onDeleted={(deleted) => {
              setDeleting(undefined);
              setNotice(`${deleted.name} is deleted.`);
            }}
          />
        </>
      ) : null}
      <Snackbar open={notice !== undefined} autoHideDuration={6000} onClose={() => setNotice(undefined)}>
        <Alert severity="success" variant="filled" onClose={() => setNotice(undefined)}>
          {notice}
        </Alert>
      </Snackbar>
    </Stack>
  );
}
