import { useState, type ReactNode } from "react";
import { Alert, FormControlLabel, Paper, Snackbar, Stack, Switch, Typography } from "@mui/material";
import { Link } from "react-router";
import type { AccessRequest, Grant } from "@portcullis/contract";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useCurrentUser } from "../../../lib/auth/current-user.tsx";
import { canSomewhere } from "../../../lib/permissions.ts";
import { useGrants } from "../api/get-grants.ts";
import { useMyAccessRequests } from "../hooks/use-my-access-requests.ts";
import { useNow } from "../hooks/use-now.ts";
import { pendingRequests, recentlyEndedRequests } from "../utils/my-requests.ts";
import { AccessRequestsTable } from "./access-requests-table.tsx";
import { CancelRequestDialog } from "./cancel-request-dialog.tsx";
import { ExtendGrantDialog } from "./extend-grant-dialog.tsx";
import { GrantsTable, type GrantActions } from "./grants-table.tsx";
import { RevokeGrantDialog } from "./revoke-grant-dialog.tsx";
import { formatEndTime } from "../../../lib/format.ts";

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack component="section" aria-label={title} spacing={1}>
      <Typography variant="h2" sx={{ fontSize: "1.1rem", fontWeight: 600 }}>
        {title}
      </Typography>
      {children}
    </Stack>
  );
}

/**
 * The signed-in user's requests waiting for approval (with Cancel), open and recent grants (everyone's for those who
 * may revoke any) with Extend and Revoke, and requests of the last week that ended without access.
 */
export function MyAccessView() {
  const me = useCurrentUser();
  const mayRevokeAny = canSomewhere(me, "jit.request.revoke.any");
  const [everyone, setEveryone] = useState(false);
  const scope = mayRevokeAny && everyone ? "all" : "mine";
  const active = useGrants({ scope, status: "active" });
  const recent = useGrants({ scope, status: "recent" });
  const now = useNow();
  const [revoking, setRevoking] = useState<Grant | undefined>(undefined);
  const [extending, setExtending] = useState<Grant | undefined>(undefined);
  const [cancelling, setCancelling] = useState<AccessRequest | undefined>(undefined);
  const requests = useMyAccessRequests();
  const waiting = pendingRequests(requests.data?.items ?? []);
  const ended = recentlyEndedRequests(requests.data?.items ?? [], now);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  function actionsFor(grant: Grant): GrantActions {
    if (grant.status !== "open") return {};
    const own = grant.requester.oid === me.user.oid;
    return {
      ...(own ? { extend: setExtending } : {}),
      ...(own || mayRevokeAny ? { revoke: setRevoking } : {}),
    };
  }

  return (
    <Stack spacing={3}>
      <Stack spacing={1}>
        <Typography variant="h1">My access</Typography>
        <Typography variant="body2" sx={{ color: "text.secondary", maxWidth: 880 }}>
          Ports opened for you, and until when, and your requests waiting for approval. To ask for access, select a VM on the Configured tab of{" "}
          <Link to="/jit?tab=configured">Just-in-time VM access</Link> and press Request access.
        </Typography>
        {mayRevokeAny ? (
          <FormControlLabel control={<Switch checked={everyone} onChange={(event) => setEveryone(event.target.checked)} />} label="Show everyone's" />
        ) : null}
      </Stack>
      {requests.isError ? (
        <ErrorAlert
          error={requests.error}
          title="Your requests waiting for approval could not be loaded"
          onRetry={() => void requests.refetch()}
          retrying={requests.isFetching}
        />
      ) : null}
      {waiting.length > 0 ? (
        <Section title="Waiting for approval">
          <Paper variant="outlined">
            <AccessRequestsTable label="Requests waiting for approval" requests={waiting} variant="pending" onCancel={setCancelling} />
          </Paper>
        </Section>
      ) : null}
      <Section title="Active">
        {active.isError ? (
          <ErrorAlert error={active.error} title="Open access could not be loaded" onRetry={() => void active.refetch()} retrying={active.isFetching} />
        ) : (
          <Paper variant="outlined">
            <GrantsTable
              label="Active access"
              grants={active.data?.items}
              now={now}
              showRequester={scope === "all"}
              actionsFor={actionsFor}
              empty={scope === "all" ? "No ports are open for anyone." : "No ports are open for you."}
            />
          </Paper>
        )}
      </Section>
      <Section title="Recent">
        {recent.isError ? (
          <ErrorAlert error={recent.error} title="Recent access could not be loaded" onRetry={() => void recent.refetch()} retrying={recent.isFetching} />
        ) : (
          <Paper variant="outlined">
            <GrantsTable
              label="Recent access"
              grants={recent.data?.items}
              now={now}
              showRequester={scope === "all"}
              actionsFor={() => ({})}
              empty="Nothing closed recently."
            />
          </Paper>
        )}
      </Section>
      {ended.length > 0 ? (
        <Section title="Requests not granted">
          <Paper variant="outlined">
            <AccessRequestsTable label="Requests not granted" requests={ended} variant="ended" />
          </Paper>
        </Section>
      ) : null}
      <CancelRequestDialog
        request={cancelling}
        onClose={() => setCancelling(undefined)}
        onCancelled={(request) => {
          setCancelling(undefined);
          setNotice(`Your request for ${request.vmName} is cancelled.`);
        }}
      />
      <RevokeGrantDialog
        grant={revoking}
        onClose={() => setRevoking(undefined)}
        onRevoked={(grant) => {
          setRevoking(undefined);
          setNotice(`Access to ${grant.vmName} is revoked.`);
        }}
      />
      <ExtendGrantDialog
        grant={extending}
        onClose={() => setExtending(undefined)}
        onExtended={(grant) => {
          setExtending(undefined);
          setNotice(`Access to ${grant.vmName} is extended until ${formatEndTime(grant.endsAt, new Date())}.`);
        }}
      />
      <Snackbar open={notice !== undefined} autoHideDuration={6000} onClose={() => setNotice(undefined)}>
        <Alert severity="success" variant="filled" onClose={() => setNotice(undefined)}>
          {notice}
        </Alert>
      </Snackbar>
    </Stack>
  );
}
