import { Box, Button, Skeleton, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import type { Grant } from "@portcullis/contract";
import { stackedTableSx } from "../../../components/stacked-table.ts";
import { formatTimestamp } from "../../../lib/format.ts";
import { sourceText } from "../../../lib/access-text.ts";
import { grantStatusText, isActiveGrant } from "../utils/grant-status.ts";
import { openUntilText } from "../utils/grant-time.ts";
import { portLabel } from "../../../lib/port-label.ts";

export type GrantActions = {
  /** Absent for a grant the user may not revoke. */
  revoke?: (grant: Grant) => void;
  /** Absent for a grant the user may not extend. */
  extend?: (grant: Grant) => void;
};

type GrantsTableProps = {
  label: string;
  grants: readonly Grant[] | undefined;
  now: Date;
  showRequester: boolean;
  /** What the user may do with each grant. */
  actionsFor: (grant: Grant) => GrantActions;
  empty: string;
};

function StatusCell({ grant, now }: { grant: Grant; now: Date }) {
  const status = grantStatusText(grant, now);
  if (grant.status === "open") {
    return (
      <>
        <Typography variant="body2" sx={{ fontWeight: 600 }}>
          {status}
        </Typography>
        <Typography variant="body2" sx={{ color: "text.secondary" }}>
          {openUntilText(grant.endsAt, now)}
        </Typography>
      </>
    );
  }
  const ended = grant.closedAt ?? grant.endsAt;
  return (
    <>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {status}
      </Typography>
      {isActiveGrant(grant) ? null : (
        <Typography variant="body2" sx={{ color: "text.secondary" }}>
          {formatTimestamp(ended)}
        </Typography>
      )}
      {grant.error ? (
        <Typography variant="body2" sx={{ color: "error.main" }}>
          {grant.error}
        </Typography>
      ) : null}
    </>
  );
}

/** Grants as rows: VM, ports, source, status (a live countdown while open), and Extend / Revoke. */
export function GrantsTable({ label, grants, now, showRequester, actionsFor, empty }: GrantsTableProps) {
  const columns = showRequester ? 6 : 5;
  return (
    <Table size="small" aria-label={label} aria-busy={grants === undefined} sx={stackedTableSx}>
      <TableHead>
        <TableRow>
          <TableCell>VM</TableCell>
          {showRequester ? <TableCell>Requester</TableCell> : null}
          <TableCell>Ports</TableCell>
          <TableCell>Source</TableCell>
          <TableCell>Status</TableCell>
          <TableCell align="right">Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {grants === undefined ? (
          [0, 1].map((row) => (
            <TableRow key={row}>
              <TableCell colSpan={columns}>
                <Skeleton variant="text" />
              </TableCell>
            </TableRow>
          ))
        ) : grants.length === 0 ? (
          <TableRow>
            <TableCell colSpan={columns}>
              <Typography variant="body2" sx={{ color: "text.secondary" }}>
                {empty}
              </Typography>
            </TableCell>
          </TableRow>
        ) : (
          grants.map((grant) => {
            const actions = actionsFor(grant);
            return (
              <TableRow key={grant.id}>
                <TableCell data-label="VM">
                  <Typography variant="body2" sx={{ fontWeight: 600 }} title={grant.vmId}>
                    {grant.vmName}
                  </Typography>
                  <Typography variant="body2" sx={{ color: "text.secondary" }}>
                    {grant.resourceGroup}
                  </Typography>
                </TableCell>
                {showRequester ? <TableCell data-label="Requester">{grant.requester.name}</TableCell> : null}
                <TableCell data-label="Ports">
                  {grant.ports.map((port) => (
                    <Box key={`${port.port}/${port.protocol}`} sx={{ whiteSpace: "nowrap" }}>
                      {portLabel(port)}
                    </Box>
                  ))}
                </TableCell>
                <TableCell data-label="Source" sx={{ wordBreak: "break-word" }} title={grant.justification ?? undefined}>
                  {sourceText(grant.sourcePrefixes)}
                </TableCell>
                <TableCell data-label="Status">
                  <StatusCell grant={grant} now={now} />
                </TableCell>
                <TableCell align="right">
                  <Stack direction="row" spacing={1} sx={{ justifyContent: "flex-end" }}>
                    {actions.extend ? (
                      <Button size="small" aria-label={`Extend access to ${grant.vmName}`} onClick={() => actions.extend?.(grant)}>
                        Extend
                      </Button>
                    ) : null}
                    {actions.revoke ? (
                      <Button size="small" color="error" aria-label={`Revoke access to ${grant.vmName}`} onClick={() => actions.revoke?.(grant)}>
                        Revoke
                      </Button>
                    ) : null}
                  </Stack>
                </TableCell>
              </TableRow>
            );
          })
        )}
      </TableBody>
    </Table>
  );
}
