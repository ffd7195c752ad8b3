import { Button, Chip, Skeleton, Stack, Switch, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from "@mui/material";
import type { NotificationSubscription } from "@portcullis/contract";
import { eventsText } from "../utils/delivery-text.ts";
import { channelLabels } from "../utils/subscription-form.ts";

type SubscriptionsTableProps = {
  /** Undefined while loading. */
  subscriptions: readonly NotificationSubscription[] | undefined;
  /** Absent for readers: no switch to flip, no Send test, no Delete. */
  actions?: {
    setEnabled: (subscription: NotificationSubscription, enabled: boolean) => void;
    test: (subscription: NotificationSubscription) => void;
    remove: (subscription: NotificationSubscription) => void;
    /** The subscription whose switch or test is being sent. */
    busyId: string | undefined;
    /** The state a switch was just flipped to, shown until the server answers. */
    switching: { id: string; enabled: boolean } | undefined;
  };
};

const headers = ["Name", "Kind", "Target", "Scope", "Events", "Enabled"];
const muted = { color: "text.secondary" } as const;

/** Where notifications go, for which events and scope, with the switch, Send test and Delete. */
export function SubscriptionsTable({ subscriptions, actions }: SubscriptionsTableProps) {
  const columns = headers.length + (actions ? 1 : 0);
  return (
    <TableContainer>
      <Table size="small" aria-label="Notification rules" aria-busy={subscriptions === undefined}>
        <TableHead>
          <TableRow>
            {headers.map((header) => (
              <TableCell key={header}>{header}</TableCell>
            ))}
            {actions ? <TableCell align="right">Actions</TableCell> : null}
          </TableRow>
        </TableHead>
        <TableBody>
          {subscriptions === undefined ? (
            [0, 1].map((row) => (
              <TableRow key={row} aria-hidden>
                <TableCell colSpan={columns}>
                  <Skeleton variant="text" />
                </TableCell>
              </TableRow>
            ))
          ) : subscriptions.length === 0 ? (
            <TableRow>
              <TableCell colSpan={columns} sx={{ py: 4, textAlign: "center", borderBottom: "none" }}>
                <Typography variant="body2" sx={muted}>
                  No notification rules yet: nobody is notified.
                </Typography>
              </TableCell>
            </TableRow>
          ) : (
            subscriptions.map((subscription) => {
              const busy = actions?.busyId === subscription.id;
              return (
                <TableRow key={subscription.id}>
                  <TableCell>
                    <Typography variant="body2" sx={{ fontWeight: 600 }}>
                      {subscription.name}
                    </Typography>
                    <Typography variant="caption" sx={muted}>
                      by {subscription.createdBy}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    {channelLabels[subscription.kind]}
                    {subscription.signed ? <Chip size="small" variant="outlined" label="Signed" sx={{ ml: 1 }} /> : null}
                  </TableCell>
                  <TableCell sx={{ wordBreak: "break-all", maxWidth: 260 }}>
                    {subscription.targetDisplay}
                    {subscription.toRequester ? (
                      <Typography variant="caption" component="div" sx={muted}>
                        and the requester
                      </Typography>
                    ) : null}
                  </TableCell>
                  <TableCell sx={{ wordBreak: "break-all", maxWidth: 220 }}>{subscription.scope === "/" ? "Whole tenant" : subscription.scope}</TableCell>
                  <TableCell sx={{ maxWidth: 280 }}>
                    <Typography variant="body2">{eventsText(subscription.events)}</Typography>
                  </TableCell>
                  <TableCell>
                    <Switch
                      checked={actions?.switching?.id === subscription.id ? actions.switching.enabled : subscription.enabled}
                      disabled={!actions || busy}
                      onChange={(event) => actions?.setEnabled(subscription, event.target.checked)}
                      slotProps={{ input: { "aria-label": `Enabled: ${subscription.name}` } }}
                    />
                  </TableCell>
                  {actions ? (
                    <TableCell align="right">
                      <Stack direction="row" spacing={1} sx={{ justifyContent: "flex-end" }}>
                        <Button size="small" aria-label={`Send test to ${subscription.name}`} onClick={() => actions.test(subscription)} loading={busy} disabled={!subscription.enabled}>
                          Send test
                        </Button>
                        <Button size="small" color="error" aria-label={`Delete ${subscription.name}`} onClick={() => actions.remove(subscription)}>
                          Delete
                        </Button>
                      </Stack>
                    </TableCell>
                  ) : null}
                </TableRow>
              );
            })
          )}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
