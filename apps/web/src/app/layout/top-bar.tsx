import type { ReactNode } from "react";
import { AppBar, Box, Divider, Toolbar, Typography } from "@mui/material";
import SecurityIcon from "@mui/icons-material/Security";

export const topBarHeight = 48;

/** The portal's top bar; `account` holds the signed-in user's area (name, roles, Sign out) when there is one. */
export function TopBar({ title, account }: { title: string | undefined; account?: ReactNode }) {
  return (
    <AppBar position="fixed" sx={{ zIndex: (theme) => theme.zIndex.drawer + 1, height: topBarHeight }}>
      <Toolbar variant="dense" sx={{ minHeight: topBarHeight, gap: 1.5 }}>
        <SecurityIcon fontSize="small" aria-hidden />
        <Typography component="div" sx={{ fontWeight: 600, fontSize: "1rem" }}>
          Portcullis
        </Typography>
        {title ? (
          <>
            <Divider orientation="vertical" flexItem sx={{ borderColor: "rgba(255,255,255,0.4)", my: 1.5 }} />
            <Typography component="div" sx={{ fontSize: "0.875rem" }}>
              {title}
            </Typography>
          </>
        ) : null}
        <Box sx={{ flexGrow: 1 }} />
        {account}
      </Toolbar>
    </AppBar>
  );
}
