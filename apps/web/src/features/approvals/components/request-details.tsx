import type { ReactNode } from "react";
import { Box, List, ListItem, ListItemText, Stack, Typography } from "@mui/material";
import type { AccessRequest } from "@portcullis/contract";
import { approvalProgressText, decisionText, sourceText } from "../../../lib/access-text.ts";
import { describeMinutes, formatTimestamp } from "../../../lib/format.ts";
import { portLabel } from "../../../lib/port-label.ts";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack direction="row" spacing={2} component="div">
      <Typography variant="body2" component="dt" sx={{ color: "text.secondary", minWidth: 140 }}>
        {label}
      </Typography>
      <Box component="dd" sx={{ typography: "body2", m: 0, minWidth: 0, wordBreak: "break-word" }}>
        {children}
      </Box>
    </Stack>
  );
}

function Heading({ children }: { children: ReactNode }) {
  return (
    <Typography variant="h3" sx={{ fontSize: "1rem", fontWeight: 600 }}>
      {children}
    </Typography>
  );
}

/** Who asks for what, from where, for how long and why, and how far the approval has come. */
export function RequestDetails({ request }: { request: AccessRequest }) {
  return (
    <Stack component="section" aria-label="Request" spacing={1}>
      <Heading>Request</Heading>
      <Stack component="dl" spacing={0.75} sx={{ m: 0 }}>
        <Row label="Requester">
          {request.requester.name} ({request.requester.username})
        </Row>
        <Row label="VM">
          {request.vmName} · {request.resourceGroup}
        </Row>
        <Row label={request.ports.length === 1 ? "Port" : "Ports"}>{request.ports.map(portLabel).join(", ")}</Row>
        <Row label="Source">{sourceText(request.sourcePrefixes)}</Row>
        <Row label="Duration">{describeMinutes(request.durationMinutes)}</Row>
        <Row label="Justification">{request.justification ?? "None given"}</Row>
        <Row label={request.breakGlass ? "Opened" : "Requested"}>{formatTimestamp(request.createdAt)}</Row>
        {request.status === "pending" ? <Row label="Waits until">{formatTimestamp(request.expiresAt)}</Row> : null}
        {request.breakGlass ? null : (
          <>
            <Row label="Approvals">{approvalProgressText(request.approval)}</Row>
            <Row label="Time starts">{request.approval.clockStartsAt === "approval" ? "At the last approval" : "At the request"}</Row>
          </>
        )}
        {request.error ? <Row label="Error">{request.error}</Row> : null}
      </Stack>
    </Stack>
  );
}

/** Each approver's decision so far, with when and their comment. */
export function DecisionsSoFar({ request }: { request: AccessRequest }) {
  const decisions = request.approval.decisions;
  return (
    <Stack component="section" aria-label="Decisions so far" spacing={0.5}>
      <Heading>Decisions so far</Heading>
      {decisions.length === 0 ? (
        <Typography variant="body2" sx={{ color: "text.secondary" }}>
          No one has decided yet.
        </Typography>
      ) : (
        <List dense disablePadding>
          {decisions.map((decision) => (
            <ListItem key={`${decision.approver.oid}-${decision.at}`} disableGutters>
              <ListItemText primary={`${decisionText(decision)} · ${formatTimestamp(decision.at)}`} secondary={decision.comment ?? undefined} />
            </ListItem>
          ))}
        </List>
      )}
    </Stack>
  );
}
