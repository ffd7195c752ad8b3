import { Alert, AlertTitle, LinearProgress, Stack, Typography } from "@mui/material";
import type { Grant } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useGrant } from "../api/get-grant.ts";
import { useNow } from "../hooks/use-now.ts";
import { sourceText } from "../../../lib/access-text.ts";
import { grantStatusText } from "../utils/grant-status.ts";
import { closesInText, openUntilText } from "../utils/grant-time.ts";
import { openingText } from "../utils/request-text.ts";
import { ConnectDetails } from "./connect-details.tsx";

type GrantResultProps = {
  /** The grant as the request answered it; read again while its rules are still being written. */
  grant: Grant;
  nsgNames: readonly string[];
};

/** After Open ports: until when, from where, and how to connect. */
export function GrantResult({ grant: created, nsgNames }: GrantResultProps) {
  const read = useGrant(created.id, created);
  const now = useNow();
  const grant = read.data ?? created;

  if (grant.status === "opening") {
    return (
      <Stack spacing={1}>
        <LinearProgress aria-label="Opening" />
        <Typography variant="body2" role="status">
          {openingText(grant.ports, nsgNames)}
        </Typography>
        {read.isError ? <ErrorAlert error={read.error} title="The grant's state could not be read" onRetry={() => void read.refetch()} retrying={read.isFetching} /> : null}
      </Stack>
    );
  }
  if (grant.status === "failed") {
    return <ErrorAlert error={grant.error ?? "The ports could not be opened."} title="The ports were not opened" />;
  }
  if (grant.status !== "open") {
    return (
      <Alert severity="info">
        <AlertTitle>This access has ended</AlertTitle>
        {grantStatusText(grant, now)}.
      </Alert>
    );
  }
  return (
    <Stack spacing={2}>
      <Alert severity="success">
        <AlertTitle>{openUntilText(grant.endsAt, now)}</AlertTitle>
        {closesInText(grant.endsAt, now)}. Source: {sourceText(grant.sourcePrefixes)}.
      </Alert>
      {grant.breakGlass ? (
        <Alert severity="warning">Opened through break-glass: admins are notified and will review this access.</Alert>
      ) : null}
      <ConnectDetails grant={grant} />
    </Stack>
  );
}
