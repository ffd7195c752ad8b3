import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Divider, Drawer, IconButton, Stack, Typography } from "@mui/material";
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

type BladeGuard = { setDirty: (dirty: boolean) => void; requestClose: () => void };
const BladeGuardContext = createContext<BladeGuard | undefined>(undefined);

/** Marks the blade's form as holding unsaved edits: closing it (Close, Escape, a tap outside, Cancel) then asks first. */
export function useBladeDirty(dirty: boolean): void {
  const guard = useContext(BladeGuardContext);
  useEffect(() => {
    guard?.setDirty(dirty);
    return () => guard?.setDirty(false);
  }, [guard, dirty]);
}

/** Closes the blade as its Close button does: asking first while the form holds unsaved edits. */
export function useBladeClose(fallback: () => void): () => void {
  return useContext(BladeGuardContext)?.requestClose ?? fallback;
}

/** A panel sliding in from the right, like an Azure portal blade: title, scrolling body, fixed footer. */
export function Blade({ open, id, title, subtitle, onClose, children, width = 760 }: BladeProps) {
  const titleId = `${id}-title`;
  const dirty = useRef(false);
  const [confirming, setConfirming] = useState(false);
  const latestClose = useRef(onClose);
  latestClose.current = onClose;
  // One object for the blade's life, so forms' effects do not re-run on every render.
  const [guard] = useState<BladeGuard>(() => ({
    setDirty: (value) => {
      dirty.current = value;
    },
    requestClose: () => {
      if (dirty.current) setConfirming(true);
      else latestClose.current();
    },
  }));
  return (
    <Drawer
      anchor="right"
      open={open}
      onClose={guard.requestClose}
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
        <IconButton aria-label="Close" onClick={guard.requestClose} edge="end">
          <CloseIcon />
        </IconButton>
      </Stack>
      <Divider />
      <BladeGuardContext value={guard}>{children}</BladeGuardContext>
      <Dialog open={confirming} onClose={() => setConfirming(false)} aria-labelledby={`${id}-discard-title`}>
        <DialogTitle id={`${id}-discard-title`}>Discard your changes?</DialogTitle>
        <DialogContent>
          <DialogContentText>What you entered in {title} is not saved and will be lost.</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)} autoFocus>
            Keep editing
          </Button>
          <Button
            color="error"
            onClick={() => {
              setConfirming(false);
              dirty.current = false;
              onClose();
            }}
          >
            Discard
          </Button>
        </DialogActions>
      </Dialog>
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
