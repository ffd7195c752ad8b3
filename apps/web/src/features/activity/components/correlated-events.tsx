import { Alert, List, ListItem, ListItemButton, ListItemText, Skeleton, Typography } from "@mui/material";
import type { ActivityEvent } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { formatTimestamp } from "../../../lib/format.ts";
import { useCorrelatedEvents } from "../api/get-activity.ts";
import { actionLabels, outcomeLabels } from "../utils/action-labels.ts";

/** The other events of the same request (same correlation id), oldest first; choosing one shows it. */
export function CorrelatedEvents({ event, onSelect }: { event: ActivityEvent; onSelect: (event: ActivityEvent) => void }) {
  const correlated = useCorrelatedEvents(event.correlationId);
  return (
    <section aria-labelledby="correlated-events-title">
      <Typography id="correlated-events-title" variant="h3" sx={{ fontSize: "1rem", fontWeight: 600, mt: 3, mb: 1 }}>
        Events of the same request
      </Typography>
      {event.correlationId === null ? (
        <Alert severity="info">This event has no correlation id.</Alert>
      ) : correlated.isPending ? (
        <Skeleton variant="rectangular" height={64} />
      ) : correlated.isError ? (
        <ErrorAlert error={correlated.error} title="The events of this request could not be loaded" onRetry={() => void correlated.refetch()} />
      ) : (
        <List dense aria-label="Events of the same request" disablePadding>
          {correlated.data.map((other) => (
            // Each button in a list item of its own, so the list holds only <li> children.
            <ListItem key={other.id} disablePadding>
              <ListItemButton selected={other.id === event.id} onClick={() => onSelect(other)} aria-current={other.id === event.id ? "true" : undefined}>
                <ListItemText
                  primary={`${actionLabels[other.action]} · ${outcomeLabels[other.outcome]}${other.vmName ? ` · ${other.vmName}` : ""}`}
                  secondary={`${formatTimestamp(other.at)} · ${other.actor.name}`}
                />
              </ListItemButton>
            </ListItem>
          ))}
        </List>
      )}
    </section>
  );
}
