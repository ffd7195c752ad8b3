import { Chip, Skeleton, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { formatTimestamp } from "../../../lib/format.ts";
import { portNumbers } from "../../../lib/port-label.ts";
import { useRequesterHistory } from "../api/get-requester-history.ts";
import { historyCountsText, historyGrantStatus } from "../utils/history-text.ts";

/** How many of the latest grants are listed beside the counts. */
const shownGrants = 5;

/** The requester's last 30 days: how their requests ended, and their latest grants. */
export function RequesterHistory({ requestId, requesterName }: { requestId: string; requesterName: string }) {
  const history = useRequesterHistory(requestId);
  return (
    <Stack component="section" aria-label="Requester's recent history" spacing={1}>
      <Typography variant="h3" sx={{ fontSize: "1rem", fontWeight: 600 }}>
        {requesterName}'s recent history
      </Typography>
      {history.isPending ? (
        <Stack spacing={0.5} aria-busy="true" aria-label="Loading the requester's history">
          <Skeleton variant="text" width="60%" />
          <Skeleton variant="rectangular" height={72} />
        </Stack>
      ) : history.isError ? (
        <ErrorAlert error={history.error} title="The requester's history could not be loaded" onRetry={() => void history.refetch()} retrying={history.isFetching} />
      ) : (
        <>
          <Typography variant="body2">{historyCountsText(history.data.counts)}</Typography>
          {history.data.grants.length > 0 ? (
            <Typography variant="body2" sx={{ fontWeight: 600, pt: 1 }}>
              Latest access, with or without approval
            </Typography>
          ) : null}
          {history.data.grants.length > 0 ? (
            <Table size="small" aria-label="Latest grants">
              <TableHead>
                <TableRow>
                  <TableCell>VM</TableCell>
                  <TableCell>Ports</TableCell>
                  <TableCell>Opened</TableCell>
                  <TableCell>Status</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {history.data.grants.slice(0, shownGrants).map((grant) => (
                  <TableRow key={grant.id}>
                    <TableCell>{grant.vmName}</TableCell>
                    <TableCell>{portNumbers(grant.ports)}</TableCell>
                    <TableCell sx={{ whiteSpace: "nowrap" }}>{formatTimestamp(grant.createdAt)}</TableCell>
                    <TableCell>
                      {historyGrantStatus(grant)}
                      {grant.breakGlass ? <Chip size="small" color="warning" variant="outlined" label="Break-glass" sx={{ ml: 1 }} /> : null}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : null}
        </>
      )}
    </Stack>
  );
}
