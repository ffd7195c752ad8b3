import { Alert, AlertTitle, Button } from "@mui/material";
import { errorMessage } from "../lib/api-error.ts";

type ErrorAlertProps = {
  error: unknown;
  title?: string;
  /** Shows a Retry button when given. */
  onRetry?: () => void;
  retrying?: boolean;
  onClose?: () => void;
};

/** The one way the app shows a failure: an error banner with the server's message and, where it helps, Retry. */
export function ErrorAlert({ error, title, onRetry, retrying = false, onClose }: ErrorAlertProps) {
  return (
    <Alert
      severity="error"
      onClose={onClose}
      action={
        onRetry ? (
          <Button color="inherit" size="small" onClick={onRetry} loading={retrying}>
            Retry
          </Button>
        ) : undefined
      }
    >
      {title ? <AlertTitle>{title}</AlertTitle> : null}
      {errorMessage(error)}
    </Alert>
  );
}
