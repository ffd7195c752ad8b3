import { useState, type ReactNode } from "react";
import { Box, Button, Stack, Typography } from "@mui/material";
import ContentCopyIcon from "@mui/icons-material/ContentCopy";
import DownloadIcon from "@mui/icons-material/FileDownloadOutlined";
import type { Grant } from "@portcullis/contract";
import { portLabel } from "../../../lib/port-label.ts";
import { downloadRdpFile } from "../utils/rdp-file.ts";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack direction="row" spacing={2}>
      <Typography variant="body2" sx={{ color: "text.secondary", minWidth: 96 }}>
        {label}
      </Typography>
      <Box sx={{ typography: "body2", minWidth: 0, wordBreak: "break-word" }}>{children}</Box>
    </Stack>
  );
}

function CopyCommand({ command }: { command: string }) {
  const [copied, setCopied] = useState<"yes" | "failed" | undefined>(undefined);
  return (
    <Stack spacing={0.5}>
      <Box
        component="pre"
        aria-label="SSH command"
        sx={{ m: 0, p: 1, bgcolor: "grey.100", borderRadius: 1, fontFamily: "monospace", fontSize: "0.85rem", whiteSpace: "pre-wrap", wordBreak: "break-all" }}
      >
        {command}
      </Box>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
        <Button
          size="small"
          variant="outlined"
          startIcon={<ContentCopyIcon fontSize="small" />}
          onClick={() => {
            navigator.clipboard.writeText(command).then(
              () => setCopied("yes"),
              () => setCopied("failed"),
            );
          }}
        >
          Copy
        </Button>
        <Typography variant="body2" role="status" sx={{ color: copied === "failed" ? "error.main" : "text.secondary" }}>
          {copied === "yes" ? "Copied" : copied === "failed" ? "The browser refused to copy; select the command instead." : ""}
        </Typography>
      </Stack>
    </Stack>
  );
}

/** How to reach the VM through the opened ports: its addresses, the ports, an ssh command, an .rdp file. */
export function ConnectDetails({ grant }: { grant: Grant }) {
  const { connect } = grant;
  const hasRdp = grant.ports.some((port) => port.port === 3389) && connect.rdpFile !== null;
  return (
    <Stack component="section" aria-label="Connect" spacing={1}>
      <Typography variant="h3" sx={{ fontSize: "1rem", fontWeight: 600 }}>
        Connect
      </Typography>
      <Row label="Address">{connect.addresses.length > 0 ? connect.addresses.join(", ") : "Unknown"}</Row>
      <Row label={grant.ports.length === 1 ? "Port" : "Ports"}>{grant.ports.map(portLabel).join(", ")}</Row>
      {connect.sshCommand ? (
        <Row label="SSH">
          <CopyCommand command={connect.sshCommand} />
        </Row>
      ) : null}
      {hasRdp && connect.rdpFile ? (
        <Row label="RDP">
          <Button size="small" variant="outlined" startIcon={<DownloadIcon />} onClick={() => downloadRdpFile(grant.vmName, connect.rdpFile ?? "")}>
            Download .rdp file
          </Button>
        </Row>
      ) : null}
    </Stack>
  );
}
