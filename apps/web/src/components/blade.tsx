import type { ReactNode } from "react";
import { Box, Divider, Drawer, IconButton, Stack, Typography } from "@mui/material";
import CloseIcon from "@mui/icons-material/Close";

type BladeProps = {
  open: boolean;
  /** Unique on the page: names the dialog for assistive technology. */
  id: string;
  title: string;
  subtitle?: ReactNode;
  onClose: () => void;
  /** A `BladeBody`, optionally followed by a `BladeFooter`. */
  children: ReactNode;
  width?: number;
};

/** A panel sliding in from the right, like an Azure portal blade: title, scrolling body, fixed footer. */
export function Blade({ open, id, title, subtitle, onClose, children, width = 760 }: BladeProps) {
  const titleId = `${id}-title`;
  return (
    <Drawer
      anchor="right"
      open={open}
      onClose={onClose}
      // Above the portal's top bar (which sits above the permanent side navigation), as a modal must.
      sx={{ zIndex: (theme) => theme.zIndex.modal }}
      slotProps={{
        paper: {
          "aria-labelledby": titleId,
          sx: { width: { xs: "100%", md: width }, display: "flex", flexDirection: "column" },
        },
      }}
    >
      <Stack direction="row" spacing={1} sx={{ alignItems: "flex-start", px: { xs: 2, sm: 3 }, pt: 2, pb: 1.5 }}>
        <Box sx={{ flex: 1, minWidth: 0 }}>
          <Typography id={titleId} variant="h2" sx={{ fontSize: "1.25rem", fontWeight: 600 }}>
            {title}
          </Typography>
          {subtitle ? (
            <Typography variant="body2" component="div" sx={{ color: "text.secondary", mt: 0.5, wordBreak: "break-word" }}>
              {subtitle}
            </Typography>
          ) : null}
        </Box>
        <IconButton aria-label="Close" onClick={onClose} edge="end">
          <CloseIcon />
        </IconButton>
      </Stack>
      <Divider />
      {children}
    </Drawer>
  );
}

/** The blade's scrolling content. */
export function BladeBody({ children }: { children: ReactNode }) {
  return <Box sx={{ flex: 1, overflowY: "auto", px: { xs: 2, sm: 3 }, py: 2 }}>{children}</Box>;
}

/** Buttons pinned to the bottom of the blade (Save, Cancel). */
export function BladeFooter({ children }: { children: ReactNode }) {
  return (
    <>
      <Divider />
      <Box sx={{ px: { xs: 2, sm: 3 }, py: 1.5 }}>{children}</Box>
    </>
  );
}
