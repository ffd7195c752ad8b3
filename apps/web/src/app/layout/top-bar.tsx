import type { ReactNode } from "react";
import { AppBar, Box, Divider, IconButton, Toolbar, Typography } from "@mui/material";
import MenuIcon from "@mui/icons-material/Menu";
import SecurityIcon from "@mui/icons-material/Security";

export const topBarHeight = 48;

type TopBarProps = {
  title: string | undefined;
  /** The signed-in user's area (name, roles, Sign out) when there is one. */
  account?: ReactNode;
  /** Given on narrow windows, where the navigation is a drawer this button opens. */
  navigation?: { open: boolean; controls: string; onToggle: () => void };
};

/** The portal's top bar. On a phone it keeps the menu button, the product name and Sign out; the page's own heading names the page. */
export function TopBar({ title, account, navigation }: TopBarProps) {
  return (
    <AppBar position="fixed" sx={{ zIndex: (theme) => theme.zIndex.drawer + 1, height: topBarHeight }}>
      <Toolbar variant="dense" sx={{ minHeight: topBarHeight, gap: { xs: 1, sm: 1.5 }, px: { xs: 1, sm: 2 } }}>
        {navigation ? (
          <IconButton
            color="inherit"
            aria-label="Menu"
            aria-expanded={navigation.open}
            aria-controls={navigation.controls}
            onClick={navigation.onToggle}
          >
            <MenuIcon />
          </IconButton>
        ) : null}
        <SecurityIcon fontSize="small" aria-hidden sx={{ display: { xs: "none", sm: "block" } }} />
        <Typography component="div" sx={{ fontWeight: 600, fontSize: "1rem" }}>
          Portcullis
        </Typography>
        {title ? (
          <Box sx={{ display: { xs: "none", md: "flex" }, alignItems: "center", gap: 1.5, minWidth: 0, alignSelf: "stretch" }}>
            <Divider orientation="vertical" flexItem sx={{ borderColor: "rgba(255,255,255,0.4)", my: 1.5 }} />
            <Typography component="div" noWrap sx={{ fontSize: "0.875rem" }}>
              {title}
            </Typography>
          </Box>
        ) : null}
        <Box sx={{ flexGrow: 1 }} />
        {account}
      </Toolbar>
    </AppBar>
  );
}
