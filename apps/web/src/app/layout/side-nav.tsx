import { Box, Drawer, IconButton, List, ListItem, ListItemButton, ListItemIcon, ListItemText, Toolbar, Typography } from "@mui/material";
import CloseIcon from "@mui/icons-material/Close";
import { Link, useMatch } from "react-router";
import type { NavItem } from "./nav-items.ts";
import { topBarHeight } from "./top-bar.tsx";

export const sideNavWidth = 240;
export const sideNavId = "main-navigation";

function SideNavLink({ item, onNavigate }: { item: NavItem; onNavigate?: () => void }) {
  const active = useMatch({ path: item.to, end: false }) !== null;
  const Icon = item.icon;
  return (
    // The link sits inside a list item, so the list holds only <li> children (axe `list`).
    <ListItem disablePadding>
      <ListItemButton component={Link} to={item.to} selected={active} aria-current={active ? "page" : undefined} dense onClick={onNavigate}>
        <ListItemIcon sx={{ minWidth: 32 }}>
          <Icon fontSize="small" color={active ? "primary" : "inherit"} />
        </ListItemIcon>
        <ListItemText primary={item.label} />
      </ListItemButton>
    </ListItem>
  );
}

type SideNavProps = {
  items: readonly NavItem[];
  /**
   * `permanent`: always beside the page (wide windows). `temporary`: a drawer over the page, opened from the top
   * bar's menu button and closed by choosing a page, Escape or a tap outside (phones and narrow windows).
   */
  variant: "permanent" | "temporary";
  open: boolean;
  onClose: () => void;
};

export function SideNav({ items, variant, open, onClose }: SideNavProps) {
  const temporary = variant === "temporary";
  return (
    <Drawer
      variant={variant}
      open={temporary ? open : true}
      onClose={onClose}
      // Mounted while closed, so the menu button's aria-controls always names an element.
      ModalProps={{ keepMounted: true }}
      sx={{
        width: temporary ? undefined : sideNavWidth,
        flexShrink: 0,
        // Open over the page, the drawer also covers the top bar (whose menu button the modal hides from assistive technology).
        ...(temporary ? { zIndex: (theme) => theme.zIndex.modal } : {}),
        "& .MuiDrawer-paper": { width: temporary ? 280 : sideNavWidth, maxWidth: "85vw", boxSizing: "border-box", bgcolor: "#ffffff" },
      }}
    >
      {temporary ? (
        <Toolbar variant="dense" sx={{ minHeight: topBarHeight, gap: 1, px: 1, borderBottom: 1, borderColor: "divider" }}>
          <IconButton aria-label="Close menu" onClick={onClose}>
            <CloseIcon />
          </IconButton>
          <Typography component="div" sx={{ fontWeight: 600, fontSize: "1rem" }}>
            Portcullis
          </Typography>
        </Toolbar>
      ) : (
        <Toolbar variant="dense" sx={{ minHeight: topBarHeight }} />
      )}
      <Box component="nav" id={sideNavId} aria-label="Main">
        <List dense disablePadding sx={{ py: 1 }}>
          {items.map((item) => (
            <SideNavLink key={item.to} item={item} onNavigate={temporary ? onClose : undefined} />
          ))}
        </List>
      </Box>
    </Drawer>
  );
}
