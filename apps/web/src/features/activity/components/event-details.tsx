import type { ReactNode } from "react";
import { Box, Typography } from "@mui/material";
import type { ActivityEvent } from "@portcullis/contract";
import { describeMinutes, formatTimestamp } from "../../../lib/format.ts";
import { actionLabels } from "../utils/action-labels.ts";
import { policyPortChanges } from "../utils/policy-change.ts";
import { PolicyChangeTable } from "./policy-change-table.tsx";
import { OutcomeChip } from "./outcome-chip.tsx";

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <Typography component="dt" variant="body2" sx={{ color: "text.secondary", fontWeight: 600 }}>
        {label}
      </Typography>
      <Typography component="dd" variant="body2" sx={{ m: 0, wordBreak: "break-word" }}>
        {children}
      </Typography>
    </>
  );
}

const none = "—";
const mono = { fontFamily: "monospace", fontSize: "0.8125rem" } as const;

/**
 * Every field of one event. Everything is rendered as React text, never as HTML: a justification holding
 * markup or script shows as the characters it is.
 */
export function EventDetails({ event }: { event: ActivityEvent }) {
  const portChanges = event.action.startsWith("policy.") ? policyPortChanges(event.details, event.action) : undefined;
  return (
    <Box component="dl" aria-label="Event fields" sx={{ display: "grid", gridTemplateColumns: { xs: "minmax(0, 1fr)", sm: "max-content minmax(0, 1fr)" }, columnGap: 2, rowGap: { xs: 0.25, sm: 1 }, m: 0 }}>
      <Field label="Time">
        <time dateTime={event.at}>{formatTimestamp(event.at)}</time> <Box component="span" sx={{ color: "text.secondary" }}>({event.at})</Box>
      </Field>
      <Field label="Action">
        {actionLabels[event.action]} <Box component="span" sx={{ ...mono, color: "text.secondary" }}>{event.action}</Box>
      </Field>
      <Field label="Outcome">
        <OutcomeChip outcome={event.outcome} />
      </Field>
      <Field label="User">
        {event.actor.name}
        <Box component="span" sx={{ ...mono, display: "block", color: "text.secondary" }}>{event.actor.oid}</Box>
      </Field>
      <Field label="IP address">{event.actor.ip ?? none}</Field>
      <Field label="VM">
        {event.vmName ?? none}
        {event.vmId === null ? null : <Box component="span" sx={{ ...mono, display: "block", color: "text.secondary" }}>{event.vmId}</Box>}
      </Field>
      <Field label="Ports">{event.ports.length > 0 ? event.ports.join(", ") : none}</Field>
      <Field label="Sources">{event.sources.length > 0 ? event.sources.join(", ") : none}</Field>
      <Field label="Duration">{event.durationMinutes === null ? none : describeMinutes(event.durationMinutes)}</Field>
      <Field label="Justification">{event.justification ?? none}</Field>
      <Field label="Error">{event.error ?? none}</Field>
      <Field label="Correlation id">
        <Box component="span" sx={mono}>{event.correlationId ?? none}</Box>
      </Field>
      <Field label="Sequence">{event.seq}</Field>
      <Field label="Event id">
        <Box component="span" sx={mono}>{event.id}</Box>
      </Field>
      <Field label="Hash">
        <Box component="span" sx={{ ...mono, wordBreak: "break-all" }}>{event.hash}</Box>
      </Field>
      {portChanges === undefined ? null : (
        <Field label="Change">
          <PolicyChangeTable changes={portChanges} />
        </Field>
      )}
      <Field label="Details">
        {/* With a readable change above, the raw record is one click away rather than in the way. */}
        <Box component="details" open={portChanges === undefined}>
          <Box component="summary" sx={{ cursor: "pointer", mb: 1 }}>
            All details (JSON)
          </Box>
          <Box component="pre" aria-label="Details JSON" sx={{ ...mono, m: 0, p: 1.5, bgcolor: "action.hover", borderRadius: 1, overflowX: "auto", whiteSpace: "pre-wrap" }}>
            {JSON.stringify(event.details, null, 2)}
          </Box>
        </Box>
      </Field>
    </Box>
  );
}
