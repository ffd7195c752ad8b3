import { Alert, AlertTitle, Button, Stack, Typography } from "@mui/material";
import { Link } from "react-router";
import type { AccessRequest } from "@portcullis/contract";
import { formatTimestamp } from "../../../lib/format.ts";
import { requestSentText } from "../utils/request-sent-text.ts";

/** After the server answered 202: the request waits for approval; My access follows it. */
export function RequestSentResult({ request }: { request: AccessRequest }) {
  const text = requestSentText(request);
  return (
    <Stack spacing={2}>
      <Alert severity={request.status === "pending" ? "info" : "warning"}>
        <AlertTitle>{text.title}</AlertTitle>
        {text.body}
      </Alert>
      {request.status === "pending" ? (
        <Typography variant="body2">
          If nobody decides, the request lapses at {formatTimestamp(request.expiresAt)}. You can follow it, or cancel it, on My access.
        </Typography>
      ) : null}
      <div>
        <Button variant="outlined" component={Link} to="/my-access">
          Go to My access
        </Button>
      </div>
    </Stack>
  );
}
