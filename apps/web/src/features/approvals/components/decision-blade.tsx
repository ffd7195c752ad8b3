import { useState } from "react";
import { Alert, Button, Divider, Stack, TextField } from "@mui/material";
import type { AccessRequest } from "@portcullis/contract";
import { Blade, BladeBody, BladeFooter } from "../../../components/blade.tsx";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { useDecideAccessRequest } from "../api/decide-access-request.ts";
import { decisionNotice, denyBlockedReason, reviewBlockedReason, type Notice } from "../utils/decision-text.ts";
import { DecisionsSoFar, RequestDetails } from "./request-details.tsx";
import { RequesterHistory } from "./requester-history.tsx";

/** `decide`: Approve or Deny a pending request. `review`: close a break-glass access's review. */
export type DecisionTarget = { request: AccessRequest; mode: "decide" | "review" };

type DecisionBladeProps = {
  /** The blade is open while set. */
  target: DecisionTarget | undefined;
  onClose: () => void;
  onDone: (notice: Notice) => void;
};

const maxCommentLength = 1000;

function DecisionForm({ target, onClose, onDone }: { target: DecisionTarget; onClose: () => void; onDone: (notice: Notice) => void }) {
  const { request, mode } = target;
  const [comment, setComment] = useState("");
  const decide = useDecideAccessRequest();
  const pendingAction = decide.isPending ? decide.variables.decision.action : undefined;
  const denyBlocked = denyBlockedReason(comment);
  const reviewBlocked = reviewBlockedReason(comment);
  const tooLong = [...comment.trim()].length > maxCommentLength ? `At most ${maxCommentLength} characters.` : null;

  function send(action: "approve" | "deny" | "review") {
    const decision = action === "approve" ? { action, comment } : { action, comment: comment.trim() };
    decide.mutate({ id: request.id, decision }, { onSuccess: (result) => onDone(decisionNotice(action, result, new Date())) });
  }

  const helper =
    tooLong ??
    (mode === "review"
      ? (reviewBlocked ?? "Recorded in the activity log with the review.")
      : (denyBlocked ?? "The requester sees it with your decision."));

  return (
    <>
      <BladeBody>
        <Stack spacing={2.5}>
          {request.breakGlass ? (
            <Alert severity="warning">
              Break-glass: opened at once without approval{mode === "review" ? "; review what was done and why" : ""}.
            </Alert>
          ) : null}
          {request.requesterStillAuthorized === false ? (
            <Alert severity="error">
              {request.requester.name} no longer holds access to request ports on {request.vmName} (their role changed since they asked).
              Approving ends the request instead of opening anything; deny it to tell them why.
            </Alert>
          ) : null}
          <RequestDetails request={request} />
          {request.breakGlass ? null : <DecisionsSoFar request={request} />}
          <Divider />
          <RequesterHistory requestId={request.id} requesterName={request.requester.name} />
          <Divider />
          <TextField
            id="decision-comment"
            label="Comment"
            multiline
            minRows={3}
            value={comment}
            required={mode === "review"}
            onChange={(event) => {
              setComment(event.target.value);
              if (decide.isError) decide.reset();
            }}
            error={tooLong !== null}
            helperText={helper}
            disabled={decide.isPending}
          />
          {decide.isError ? (
            <ErrorAlert error={decide.error} title={mode === "review" ? "The review was not recorded" : "The decision was not recorded"} onClose={() => decide.reset()} />
          ) : null}
        </Stack>
      </BladeBody>
      <BladeFooter>
        <Stack direction="row" spacing={1}>
          {mode === "review" ? (
            <Button variant="contained" onClick={() => send("review")} disabled={reviewBlocked !== null || tooLong !== null || decide.isPending} loading={pendingAction === "review"}>
              Mark reviewed
            </Button>
          ) : (
            <>
              <Button variant="contained" color="success" onClick={() => send("approve")} disabled={tooLong !== null || decide.isPending} loading={pendingAction === "approve"}>
                Approve
              </Button>
              <Button
                variant="outlined"
                color="error"
                onClick={() => send("deny")}
                disabled={denyBlocked !== null || tooLong !== null || decide.isPending}
                loading={pendingAction === "deny"}
              >
                Deny
              </Button>
            </>
          )}
          <Button onClick={onClose} disabled={decide.isPending}>
            Close
          </Button>
        </Stack>
      </BladeFooter>
    </>
  );
}

/** A request's details, its decisions so far and the requester's history, with Approve / Deny (or Mark reviewed). */
export function DecisionBlade({ target, onClose, onDone }: DecisionBladeProps) {
  // Keeps the content while the blade slides out after `target` is cleared.
  const [shown, setShown] = useState(target);
  if (target !== undefined && target !== shown) setShown(target);
  const current = target ?? shown;
  const title = current ? `${current.mode === "review" ? "Review break-glass access to" : "Request for"} ${current.request.vmName}` : "";

  return (
    <Blade
      open={target !== undefined}
      id="decision-blade"
      title={title}
      subtitle={current ? `${current.request.requester.name} (${current.request.requester.username})` : undefined}
      onClose={onClose}
      width={680}
    >
      {current ? <DecisionForm key={`${current.request.id}-${current.mode}`} target={current} onClose={onClose} onDone={onDone} /> : null}
    </Blade>
  );
}
