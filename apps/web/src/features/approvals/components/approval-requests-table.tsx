import { Box, Button, Skeleton, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from "@mui/material";
import type { AccessRequest } from "@portcullis/contract";
import { stackedTableSx } from "../../../components/stacked-table.ts";
import { accessRequestStatusText, approvalProgressText, sourceText } from "../../../lib/access-text.ts";
import { describeMinutes, formatEndTime, formatTimestamp } from "../../../lib/format.ts";
import { portLabel } from "../../../lib/port-label.ts";

type ApprovalRequestsTableProps = {
  label: string;
  /** Undefined while loading. */
  requests: readonly AccessRequest[] | undefined;
  /** `decide`: requests waiting on the caller. `review`: break-glass accesses to review. */
  variant: "decide" | "review";
  onOpen: (request: AccessRequest) => void;
  empty: string;
};

const muted = { color: "text.secondary" } as const;

const headers = {
  decide: ["Requester", "VM", "Ports", "Source", "Duration", "Justification", "Requested", "Waits until", "Approvals"],
  review: ["Requester", "VM", "Ports", "Source", "Duration", "Justification", "Opened", "Status"],
} as const;

function RequestRow({ request, variant, onOpen }: { request: AccessRequest; variant: "decide" | "review"; onOpen: (request: AccessRequest) => void }) {
  const action = variant === "decide" ? "Decide" : "Review";
  const header = headers[variant];
  // Times of today without their date (the full instant in the tooltip), so the table fits a laptop's width.
  const now = new Date();
  return (
    <TableRow hover onClick={() => onOpen(request)} sx={{ cursor: "pointer" }}>
      <TableCell data-label={header[0]}>
        <Typography variant="body2" sx={{ fontWeight: 600, whiteSpace: "nowrap" }}>
          {request.requester.name}
        </Typography>
        <Typography variant="caption" sx={muted}>
          {request.requester.username}
        </Typography>
        {request.requesterStillAuthorized === false ? (
          <Typography variant="caption" sx={{ display: "block", color: "error.main", fontWeight: 600 }}>
            No longer has access: role changed
          </Typography>
        ) : null}
      </TableCell>
      <TableCell data-label={header[1]}>
        <Typography variant="body2" sx={{ fontWeight: 600, whiteSpace: "nowrap" }} title={request.vmId}>
          {request.vmName}
        </Typography>
        <Typography variant="caption" sx={muted}>
          {request.resourceGroup}
        </Typography>
      </TableCell>
      <TableCell data-label={header[2]}>
        {request.ports.map((port) => (
          <Box key={`${port.port}/${port.protocol}`} sx={{ whiteSpace: "nowrap" }}>
            {portLabel(port)}
          </Box>
        ))}
      </TableCell>
      <TableCell data-label={header[3]}>{sourceText(request.sourcePrefixes)}</TableCell>
      <TableCell data-label={header[4]} sx={{ whiteSpace: "nowrap" }}>{describeMinutes(request.durationMinutes)}</TableCell>
      <TableCell data-label={header[5]} sx={{ maxWidth: 200 }}>
        <Typography variant="body2" noWrap title={request.justification ?? undefined}>
          {request.justification ?? ""}
        </Typography>
      </TableCell>
      <TableCell data-label={header[6]} sx={{ whiteSpace: "nowrap" }}>
        <time dateTime={request.createdAt} title={formatTimestamp(request.createdAt)}>
          {formatEndTime(request.createdAt, now)}
        </time>
      </TableCell>
      {variant === "decide" ? (
        <>
          <TableCell data-label={headers.decide[7]} sx={{ whiteSpace: "nowrap" }}>
            <time dateTime={request.expiresAt} title={formatTimestamp(request.expiresAt)}>
              {formatEndTime(request.expiresAt, now)}
            </time>
          </TableCell>
          <TableCell data-label={headers.decide[8]} sx={{ whiteSpace: "nowrap" }}>{approvalProgressText(request.approval)}</TableCell>
        </>
      ) : (
        <TableCell data-label={headers.review[7]}>{accessRequestStatusText(request)}</TableCell>
      )}
      <TableCell align="right">
        <Button
          size="small"
          aria-label={`${action} the request of ${request.requester.name} for ${request.vmName}`}
          onClick={(event) => {
            // The row opens the same blade; one opening is enough.
            event.stopPropagation();
            onOpen(request);
          }}
        >
          {action}
        </Button>
      </TableCell>
    </TableRow>
  );
}

/** Requests as rows; a row (or its button) opens the blade to decide or review it. */
export function ApprovalRequestsTable({ label, requests, variant, onOpen, empty }: ApprovalRequestsTableProps) {
  const columns = headers[variant].length + 1;
  return (
    <TableContainer>
      <Table size="small" aria-label={label} aria-busy={requests === undefined} sx={stackedTableSx}>
        <TableHead>
          <TableRow>
            {headers[variant].map((header) => (
              <TableCell key={header}>{header}</TableCell>
            ))}
            <TableCell align="right">Actions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {requests === undefined ? (
            [0, 1].map((row) => (
              <TableRow key={row} aria-hidden>
                <TableCell colSpan={columns}>
                  <Skeleton variant="text" />
                </TableCell>
              </TableRow>
            ))
          ) : requests.length === 0 ? (
            <TableRow>
              <TableCell colSpan={columns} sx={{ py: 4, textAlign: "center", borderBottom: "none" }}>
                <Typography variant="body2" sx={muted}>
                  {empty}
                </Typography>
              </TableCell>
            </TableRow>
          ) : (
            requests.map((request) => <RequestRow key={request.id} request={request} variant={variant} onOpen={onOpen} />)
          )}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
