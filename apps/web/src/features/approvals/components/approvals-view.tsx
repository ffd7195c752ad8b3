import { useMemo, useState, type ReactNode } from "react";
import { Link, useSearchParams } from "react-router";
import { Alert, Paper, Snackbar, Stack, Typography } from "@mui/material";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useApprovals } from "../api/get-approvals.ts";
import { useOwnPending } from "../api/get-own-pending.ts";
import { useCurrentUser } from "../../../lib/auth/current-user.tsx";
import { canSomewhere } from "../../../lib/permissions.ts";
import { awaitingDecision, awaitingReview } from "../utils/approval-lists.ts";
import type { Notice } from "../utils/decision-text.ts";
import { ApprovalRequestsTable } from "./approval-requests-table.tsx";
import { DecisionBlade, type DecisionTarget } from "./decision-blade.tsx";

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

/** The address parameter naming the request whose blade is open: a reload, a colleague's link or a notification opens it. */
export const openRequestParam = "request";

/** Requests waiting on the caller's approval, and break-glass accesses to review. */
export function ApprovalsView() {
  const approvals = useApprovals();
  const [search, setSearch] = useSearchParams();
  const openId = search.get(openRequestParam);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const items = approvals.data?.items;
  const toDecide = items ? awaitingDecision(items) : undefined;
  const toReview = items ? awaitingReview(items) : undefined;
  // The caller's own requests that are not theirs to decide: said, rather than silently left out.
  const ownPending = useOwnPending(canSomewhere(useCurrentUser(), "jit.request.create"));
  const ownElsewhere = toDecide ? (ownPending.data?.items ?? []).filter((own) => !toDecide.some((request) => request.id === own.id)) : [];
  // The blade opens once the lists hold the request; one no longer waiting on the caller opens nothing.
  // Memoised on the fetched list: the blade tells a new target from a re-render by identity.
  const target = useMemo((): DecisionTarget | undefined => {
    if (!items || openId === null) return undefined;
    const decide = awaitingDecision(items).find((request) => request.id === openId);
    if (decide) return { request: decide, mode: "decide" };
    const review = awaitingReview(items).find((request) => request.id === openId);
    return review ? { request: review, mode: "review" } : undefined;
  }, [items, openId]);
  const setOpen = (id: string | undefined) =>
    setSearch((current) => {
      const next = new URLSearchParams(current);
      if (id === undefined) next.delete(openRequestParam);
      else next.set(openRequestParam, id);
      return next;
    });
  const setTarget = (next: DecisionTarget | undefined) => setOpen(next?.request.id);

  return (
    <Stack spacing={3}>
      <Stack spacing={1}>
        <Typography variant="h1">Pending approvals</Typography>
        <Typography variant="body2" sx={{ color: "text.secondary", maxWidth: 880 }}>
          Requests for access that wait on your decision. The ports open once enough approvers have approved; one denial ends
          the request. A request nobody decides in time lapses.
        </Typography>
      </Stack>
      {approvals.isError ? (
        <ErrorAlert error={approvals.error} title="The requests waiting for approval could not be loaded" onRetry={() => void approvals.refetch()} retrying={approvals.isFetching} />
      ) : (
        <>
          {ownElsewhere.length > 0 ? (
            <Alert severity="info">
              {ownElsewhere.length === 1 ? `Your own request for ${ownElsewhere[0]?.vmName ?? "a VM"} is` : `${ownElsewhere.length} of your own requests are`} not
              listed here: you cannot approve your own request unless its VM&apos;s policy allows self-approval, so another approver
              decides. Follow it on <Link to="/my-access">My access</Link>.
            </Alert>
          ) : null}
          <Section title="Waiting for your decision">
            <Paper variant="outlined">
              <ApprovalRequestsTable
                label="Requests waiting for your decision"
                requests={toDecide}
                variant="decide"
                onOpen={(request) => setTarget({ request, mode: "decide" })}
                empty="Nothing waits for your approval."
              />
            </Paper>
          </Section>
          <Section title="Break-glass to review">
            <Paper variant="outlined">
              <ApprovalRequestsTable
                label="Break-glass accesses to review"
                requests={toReview}
                variant="review"
                onOpen={(request) => setTarget({ request, mode: "review" })}
                empty="No break-glass access waits for review."
              />
            </Paper>
          </Section>
        </>
      )}
      <DecisionBlade
        target={target}
        onClose={() => setTarget(undefined)}
        onDone={(done) => {
          setTarget(undefined);
          setNotice(done);
        }}
      />
      <Snackbar open={notice !== undefined} autoHideDuration={8000} onClose={() => setNotice(undefined)}>
        <Alert severity={notice?.severity ?? "success"} variant="filled" onClose={() => setNotice(undefined)}>
          {notice?.text}
        </Alert>
      </Snackbar>
    </Stack>
  );
}
