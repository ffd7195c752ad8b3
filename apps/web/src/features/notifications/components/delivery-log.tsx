import { useState } from "react";
import { Box, Chip, MenuItem, Skeleton, Stack, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, TextField, Typography } from "@mui/material";
import { DeliveryStatusSchema, type NotificationDelivery, type NotificationSubscription } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { formatTimestamp } from "../../../lib/format.ts";
import { useDeliveries, type DeliveryFilter } from "../api/get-deliveries.ts";
import { deliveryEventLabel, deliveryStatusLabels, lastResultText } from "../utils/delivery-text.ts";
import { channelLabels } from "../utils/subscription-form.ts";

const statuses = DeliveryStatusSchema.options;
const statusColors = { pending: "info", delivered: "success", failed: "error" } as const;
const headers = ["Event", "Rule", "Status", "Attempts", "Last result", "Created", "Next attempt"];
const muted = { color: "text.secondary" } as const;
const anyValue = "any";

function asStatus(value: string): NotificationDelivery["status"] | undefined {
  return statuses.find((status) => status === value);
}

function DeliveryRow({ delivery }: { delivery: NotificationDelivery }) {
  return (
    <TableRow>
      <TableCell>
        <Typography variant="body2">{deliveryEventLabel(delivery.event)}</Typography>
        {delivery.vmName ? (
          <Typography variant="caption" sx={muted}>
            {delivery.vmName}
          </Typography>
        ) : null}
      </TableCell>
      <TableCell>
        <Typography variant="body2">{delivery.subscriptionName}</Typography>
        <Typography variant="caption" component="div" sx={{ ...muted, wordBreak: "break-all" }}>
          {channelLabels[delivery.kind]} · {delivery.targetDisplay}
        </Typography>
      </TableCell>
      <TableCell>
        <Chip size="small" color={statusColors[delivery.status]} variant={delivery.status === "pending" ? "outlined" : "filled"} label={deliveryStatusLabels[delivery.status]} />
      </TableCell>
      <TableCell>{delivery.attempts}</TableCell>
      <TableCell sx={{ maxWidth: 280, wordBreak: "break-word" }}>{lastResultText(delivery)}</TableCell>
      <TableCell sx={{ whiteSpace: "nowrap" }}>
        <time dateTime={delivery.createdAt}>{formatTimestamp(delivery.createdAt)}</time>
      </TableCell>
      <TableCell sx={{ whiteSpace: "nowrap" }}>
        {delivery.nextAttemptAt ? <time dateTime={delivery.nextAttemptAt}>{formatTimestamp(delivery.nextAttemptAt)}</time> : <Box component="span" sx={muted}>—</Box>}
      </TableCell>
    </TableRow>
  );
}

/** Every notification sent or waiting to be, newest first, read again every few seconds as retries go on. */
export function DeliveryLog({ subscriptions }: { subscriptions: readonly NotificationSubscription[] | undefined }) {
  const [filter, setFilter] = useState<DeliveryFilter>({});
  const deliveries = useDeliveries(filter);
  const items = deliveries.data?.items;
  const updating = deliveries.isFetching && deliveries.isPlaceholderData;

  return (
    <Stack spacing={1.5}>
      <Stack direction="row" spacing={1.5} sx={{ px: 2, pt: 2, flexWrap: "wrap", rowGap: 1.5 }}>
        <TextField
          select
          size="small"
          id="delivery-status-filter"
          label="Status"
          value={filter.status ?? anyValue}
          onChange={(event) => setFilter((current) => ({ ...current, status: asStatus(event.target.value) }))}
          sx={{ minWidth: 180 }}
        >
          <MenuItem value={anyValue}>All statuses</MenuItem>
          {statuses.map((status) => (
            <MenuItem key={status} value={status}>
              {deliveryStatusLabels[status]}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          id="delivery-subscription-filter"
          label="Rule"
          value={filter.subscriptionId ?? anyValue}
          onChange={(event) => setFilter((current) => ({ ...current, subscriptionId: event.target.value === anyValue ? undefined : event.target.value }))}
          sx={{ minWidth: 240 }}
        >
          <MenuItem value={anyValue}>All rules</MenuItem>
          {(subscriptions ?? []).map((subscription) => (
            <MenuItem key={subscription.id} value={subscription.id}>
              {subscription.name}
            </MenuItem>
          ))}
        </TextField>
      </Stack>
      {deliveries.isError ? (
        <Box sx={{ px: 2, pb: 2 }}>
          <ErrorAlert error={deliveries.error} title="The delivery log could not be loaded" onRetry={() => void deliveries.refetch()} retrying={deliveries.isFetching} />
        </Box>
      ) : (
        <TableContainer>
          <Table size="small" aria-label="Deliveries" aria-busy={items === undefined || updating}>
            <TableHead>
              <TableRow>
                {headers.map((header) => (
                  <TableCell key={header}>{header}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody sx={{ opacity: updating ? 0.6 : 1 }}>
              {items === undefined ? (
                [0, 1, 2].map((row) => (
                  <TableRow key={row} aria-hidden>
                    <TableCell colSpan={headers.length}>
                      <Skeleton variant="text" />
                    </TableCell>
                  </TableRow>
                ))
              ) : items.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={headers.length} sx={{ py: 4, textAlign: "center", borderBottom: "none" }}>
                    <Typography variant="body2" sx={muted}>
                      {filter.status || filter.subscriptionId ? "No deliveries match these filters." : "Nothing has been sent yet."}
                    </Typography>
                  </TableCell>
                </TableRow>
              ) : (
                items.map((delivery) => <DeliveryRow key={delivery.id} delivery={delivery} />)
              )}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Stack>
  );
}
