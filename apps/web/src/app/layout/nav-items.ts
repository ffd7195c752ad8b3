import type { SvgIconComponent } from "@mui/icons-material";
import LockClockIcon from "@mui/icons-material/LockClock";
import VpnKeyIcon from "@mui/icons-material/VpnKeyOutlined";
import HistoryIcon from "@mui/icons-material/History";
import AdminPanelSettingsIcon from "@mui/icons-material/AdminPanelSettings";
import FactCheckIcon from "@mui/icons-material/FactCheckOutlined";
import NotificationsIcon from "@mui/icons-material/NotificationsOutlined";
import type { MeResponse } from "@portcullis/contract";
import { can, type PermissionNeed } from "../../lib/permissions.ts";

/** The entry shows when the user holds `need`; the page's rows are filtered by the BFF. */
export type NavItem = { to: string; label: string; icon: SvgIconComponent; need: PermissionNeed };

export const pageNeeds = {
  jit: { permission: "jit.vm.read", scope: "some" },
  myAccess: { permission: "jit.request.create", scope: "some" },
  // The BFF lists only the requests the caller may decide (their approver set) and break-glass accesses to review.
  approvals: { permission: "jit.request.approve", scope: "some" },
  // Auditors and Admins read the log of their scopes; Requesters their own events.
  activity: { permission: "jit.activity.read", or: "jit.request.create", scope: "some" },
  // Role assignments are managed at tenant scope only (the BFF checks the same).
  accessControl: { permission: "jit.rbac.read", scope: "tenant" },
  // Subscriptions have a scope; the BFF lists those the caller may read.
  notifications: { permission: "jit.notifications.read", scope: "some" },
} as const satisfies Record<string, PermissionNeed>;

export const navItems: readonly NavItem[] = [
  { to: "/jit", label: "Just-in-time VM access", icon: LockClockIcon, need: pageNeeds.jit },
  { to: "/my-access", label: "My access", icon: VpnKeyIcon, need: pageNeeds.myAccess },
  { to: "/approvals", label: "Pending approvals", icon: FactCheckIcon, need: pageNeeds.approvals },
  { to: "/activity", label: "Activity log", icon: HistoryIcon, need: pageNeeds.activity },
  { to: "/access-control", label: "Access control", icon: AdminPanelSettingsIcon, need: pageNeeds.accessControl },
  { to: "/notifications", label: "Notifications", icon: NotificationsIcon, need: pageNeeds.notifications },
];

export function visibleNavItems(me: MeResponse): NavItem[] {
  return navItems.filter((item) => can(me, item.need));
}
