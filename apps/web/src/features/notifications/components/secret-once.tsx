import { useState } from "react";
import { Alert, AlertTitle, Box, Button, Stack, Typography } from "@mui/material";
import ContentCopyIcon from "@mui/icons-material/ContentCopy";

/** The webhook's signing secret the server made, shown this one time with a Copy button. */
export function SecretOnce({ secret }: { secret: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | undefined>(undefined);
  return (
    <Alert severity="warning" icon={false}>
      <AlertTitle>Signing secret</AlertTitle>
      <Stack spacing={1}>
        <Typography variant="body2">
          Receivers verify each delivery's HMAC-SHA256 signature with this secret. Copy it now: you will not see it again.
        </Typography>
        <Box
          component="pre"
          aria-label="Signing secret"
          sx={{ m: 0, p: 1, bgcolor: "grey.100", borderRadius: 1, fontFamily: "monospace", fontSize: "0.85rem", whiteSpace: "pre-wrap", wordBreak: "break-all" }}
        >
          {secret}
        </Box>
        <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
          <Button
            size="small"
            variant="outlined"
            startIcon={<ContentCopyIcon fontSize="small" />}
            onClick={() => {
              navigator.clipboard.writeText(secret).then(
                () => setCopied("yes"),
                () => setCopied("failed"),
              );
            }}
          >
            Copy secret
          </Button>
          <Typography variant="body2" role="status" sx={{ color: copied === "failed" ? "error.main" : "text.secondary" }}>
            {copied === "yes" ? "Copied" : copied === "failed" ? "The browser refused to copy; select the secret instead." : ""}
          </Typography>
        </Stack>
      </Stack>
    </Alert>
  );
}
