import type { SvgIconComponent } from "@mui/icons-material";
import LockClockIcon from "@mui/icons-material/LockClock";
import HistoryIcon from "@mui/icons-material/History";

export type NavItem = { to: string; label: string; icon: SvgIconComponent };

export const navItems: readonly NavItem[] = [
  { to: "/jit", label: "Just-in-time VM access", icon: LockClockIcon },
  { to: "/activity", label: "Activity log", icon: HistoryIcon },
];
