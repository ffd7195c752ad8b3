import { Box, IconButton, Skeleton, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Tooltip, Typography } from "@mui/material";
import { stackedTableSx } from "../../../components/stacked-table.ts";
import { visuallyHiddenSx } from "../../../components/visually-hidden.ts";
import OpenIcon from "@mui/icons-material/OpenInNew";
import type { ActivityEvent } from "@portcullis/contract";
import { formatTimestamp } from "../../../lib/format.ts";
import { actionLabels } from "../utils/action-labels.ts";
import { OutcomeChip } from "./outcome-chip.tsx";

type ActivityTableProps = {
  /** Undefined while the first page loads. */
  events: readonly ActivityEvent[] | undefined;
  /** A newer answer is on its way for changed filters. */
  updating: boolean;
  onOpen: (event: ActivityEvent) => void;
  empty: string;
};

const headers = ["Time", "Action", "Outcome", "User", "VM", "Ports", "Justification"];
const muted = { color: "text.secondary" } as const;

function EventRow({ event, onOpen }: { event: ActivityEvent; onOpen: (event: ActivityEvent) => void }) {
  const label = actionLabels[event.action];
  return (
    <TableRow hover>
      <TableCell data-label={headers[0]} sx={{ whiteSpace: "nowrap" }}>
        <time dateTime={event.at} title={event.at}>
          {formatTimestamp(event.at)}
        </time>
      </TableCell>
      <TableCell data-label={headers[1]}>
        <Typography variant="body2">{label}</Typography>
        <Typography variant="caption" sx={muted}>
          {event.action}
        </Typography>
      </TableCell>
      <TableCell data-label={headers[2]}>
        <OutcomeChip outcome={event.outcome} />
      </TableCell>
      <TableCell data-label={headers[3]}>
        <Typography variant="body2">{event.actor.name}</Typography>
        {event.actor.ip ? (
          <Typography variant="caption" sx={muted}>
            {event.actor.ip}
          </Typography>
        ) : null}
      </TableCell>
      <TableCell data-label={headers[4]}>{event.vmName ?? <Box component="span" sx={muted}>—</Box>}</TableCell>
      <TableCell data-label={headers[5]}>{event.ports.join(", ")}</TableCell>
      <TableCell data-label={headers[6]} sx={{ maxWidth: 280 }}>
        <Typography variant="body2" noWrap title={event.justification ?? undefined}>
          {event.justification ?? event.error ?? ""}
        </Typography>
      </TableCell>
      <TableCell sx={{ width: 48, px: 1 }}>
        <Tooltip title="Details">
          <IconButton size="small" aria-label={`Details of ${label} at ${event.at}`} onClick={() => onOpen(event)}>
            <OpenIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </TableCell>
    </TableRow>
  );
}

/** The log's rows, newest first; each opens the whole event. */
export function ActivityTable({ events, updating, onOpen, empty }: ActivityTableProps) {
  return (
    <TableContainer>
      <Table size="small" aria-label="Activity events" aria-busy={events === undefined || updating} sx={stackedTableSx}>
        <TableHead>
          <TableRow>
            {headers.map((header) => (
              <TableCell key={header}>{header}</TableCell>
            ))}
            <TableCell sx={{ position: "relative", width: 48, px: 1 }}>
              <Box component="span" sx={visuallyHiddenSx}>
                Details
              </Box>
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody sx={{ opacity: updating ? 0.6 : 1 }}>
          {events === undefined ? (
            Array.from({ length: 6 }, (_row, index) => (
              <TableRow key={index} aria-hidden>
                {Array.from({ length: headers.length + 1 }, (_cell, cell) => (
                  <TableCell key={cell}>
                    <Skeleton variant="text" />
                  </TableCell>
                ))}
              </TableRow>
            ))
          ) : events.length === 0 ? (
            <TableRow>
              <TableCell colSpan={headers.length + 1} sx={{ py: 5, textAlign: "center", borderBottom: "none" }}>
                <Typography variant="body2" sx={muted}>
                  {empty}
                </Typography>
              </TableCell>
            </TableRow>
          ) : (
            events.map((event) => <EventRow key={event.id} event={event} onOpen={onOpen} />)
          )}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
