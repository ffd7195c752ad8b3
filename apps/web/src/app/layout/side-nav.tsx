import { Drawer, List, ListItemButton, ListItemIcon, ListItemText, Toolbar } from "@mui/material";
import { Link, useMatch } from "react-router";
import type { NavItem } from "./nav-items.ts";
import { topBarHeight } from "./top-bar.tsx";

export const sideNavWidth = 240;

function SideNavLink({ item }: { item: NavItem }) {
  const active = useMatch({ path: item.to, end: false }) !== null;
  const Icon = item.icon;
  return (
    <ListItemButton component={Link} to={item.to} selected={active} aria-current={active ? "page" : undefined} dense>
      <ListItemIcon sx={{ minWidth: 32 }}>
        <Icon fontSize="small" color={active ? "primary" : "inherit"} />
      </ListItemIcon>
      <ListItemText primary={item.label} />
    </ListItemButton>
  );
}

export function SideNav({ items }: { items: readonly NavItem[] }) {
  return (
    <Drawer
      variant="permanent"
      sx={{
        width: sideNavWidth,
        flexShrink: 0,
        "& .MuiDrawer-paper": { width: sideNavWidth, boxSizing: "border-box", bgcolor: "#ffffff" },
      }}
    >
      <Toolbar variant="dense" sx={{ minHeight: topBarHeight }} />
      <nav aria-label="Main">
        <List dense disablePadding sx={{ py: 1 }}>
          {items.map((item) => (
            <SideNavLink key={item.to} item={item} />
          ))}
        </List>
      </nav>
    </Drawer>
  );
}
