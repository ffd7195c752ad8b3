import { Box, Button, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import type { AccessRequest } from "@portcullis/contract";
import { stackedTableSx } from "../../../components/stacked-table.ts";
import { accessRequestStatusText, decisionText, denialComment } from "../../../lib/access-text.ts";
import { formatTimestamp } from "../../../lib/format.ts";
import { portLabel } from "../../../lib/port-label.ts";

type AccessRequestsTableProps = {
  label: string;
  requests: readonly AccessRequest[];
  /** Pending requests: "Waiting for N more approvals", the decisions so far, Cancel request. */
  variant: "pending" | "ended";
  onCancel?: (request: AccessRequest) => void;
};

const muted = { color: "text.secondary" } as const;

function Decisions({ request }: { request: AccessRequest }) {
  const decisions = request.approval.decisions;
  if (decisions.length === 0) {
    return (
      <Typography variant="body2" sx={muted}>
        None yet
      </Typography>
    );
  }
  return (
    <>
      {decisions.map((decision) => (
        <Box key={`${decision.approver.oid}-${decision.at}`} sx={{ mb: 0.5 }}>
          <Typography variant="body2">
            {decisionText(decision)}{" "}
            <Box component="time" dateTime={decision.at} sx={muted}>
              {formatTimestamp(decision.at)}
            </Box>
          </Typography>
          {decision.comment ? (
            <Typography variant="body2" sx={{ ...muted, fontStyle: "italic" }}>
              “{decision.comment}”
            </Typography>
          ) : null}
        </Box>
      ))}
    </>
  );
}

/** Why a request ended without access: the denial's comment, or why opening failed. */
function Outcome({ request }: { request: AccessRequest }) {
  const comment = denialComment(request);
  return (
    <>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {accessRequestStatusText(request)}
      </Typography>
      {request.decidedAt ? (
        <Typography variant="body2" sx={muted}>
          {formatTimestamp(request.decidedAt)}
        </Typography>
      ) : null}
      {comment ? (
        <Typography variant="body2" sx={{ fontStyle: "italic" }}>
          “{comment}”
        </Typography>
      ) : null}
      {request.error ? (
        <Typography variant="body2" sx={{ color: "error.main" }}>
          {request.error}
        </Typography>
      ) : null}
    </>
  );
}

/** The caller's access requests as rows: waiting ones with their approvals so far, or ended ones with why. */
export function AccessRequestsTable({ label, requests, variant, onCancel }: AccessRequestsTableProps) {
  return (
    <Table size="small" aria-label={label} sx={stackedTableSx}>
      <TableHead>
        <TableRow>
          <TableCell>VM</TableCell>
          <TableCell>Ports</TableCell>
          <TableCell>Requested</TableCell>
          <TableCell>Status</TableCell>
          {variant === "pending" ? <TableCell>Decisions so far</TableCell> : null}
          {variant === "pending" ? <TableCell align="right">Actions</TableCell> : null}
        </TableRow>
      </TableHead>
      <TableBody>
        {requests.map((request) => (
          <TableRow key={request.id}>
            <TableCell data-label="VM">
              <Typography variant="body2" sx={{ fontWeight: 600 }} title={request.vmId}>
                {request.vmName}
              </Typography>
              <Typography variant="body2" sx={muted}>
                {request.resourceGroup}
              </Typography>
            </TableCell>
            <TableCell data-label="Ports">
              {request.ports.map((port) => (
                <Box key={`${port.port}/${port.protocol}`} sx={{ whiteSpace: "nowrap" }}>
                  {portLabel(port)}
                </Box>
              ))}
            </TableCell>
            <TableCell data-label="Requested" sx={{ whiteSpace: "nowrap" }}>
              <time dateTime={request.createdAt}>{formatTimestamp(request.createdAt)}</time>
            </TableCell>
            <TableCell data-label="Status">
              {variant === "pending" ? (
                <>
                  <Typography variant="body2" sx={{ fontWeight: 600 }}>
                    {accessRequestStatusText(request)}
                  </Typography>
                  <Typography variant="body2" sx={muted}>
                    Lapses {formatTimestamp(request.expiresAt)}
                  </Typography>
                </>
              ) : (
                <Outcome request={request} />
              )}
            </TableCell>
            {variant === "pending" ? (
              <TableCell data-label="Decisions so far">
                <Decisions request={request} />
              </TableCell>
            ) : null}
            {variant === "pending" ? (
              <TableCell align="right">
                {onCancel ? (
                  <Button size="small" color="error" aria-label={`Cancel request for ${request.vmName}`} onClick={() => onCancel(request)}>
                    Cancel request
                  </Button>
                ) : null}
              </TableCell>
            ) : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
