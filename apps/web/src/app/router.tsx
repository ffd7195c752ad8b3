import { lazy, useState } from "react";
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from "react-router";
import { AppShell } from "./layout/app-shell.tsx";
import { pageNeeds } from "./layout/nav-items.ts";
import { RequirePermission } from "./require-permission.tsx";
import { RouteErrorBoundary } from "./route-error-boundary.tsx";
import type { RouteHandle } from "./route-handle.ts";

// Pages load on demand so the first paint only needs the shell.
const JitRoute = lazy(() => import("./routes/jit.tsx").then((m) => ({ default: m.JitRoute })));
const MyAccessRoute = lazy(() => import("./routes/my-access.tsx").then((m) => ({ default: m.MyAccessRoute })));
const ApprovalsRoute = lazy(() => import("./routes/approvals.tsx").then((m) => ({ default: m.ApprovalsRoute })));
const NotificationsRoute = lazy(() => import("./routes/notifications.tsx").then((m) => ({ default: m.NotificationsRoute })));
const ActivityRoute = lazy(() => import("./routes/activity.tsx").then((m) => ({ default: m.ActivityRoute })));
const AccessControlRoute = lazy(() => import("./routes/access-control.tsx").then((m) => ({ default: m.AccessControlRoute })));
const NotFoundRoute = lazy(() => import("./routes/not-found.tsx").then((m) => ({ default: m.NotFoundRoute })));

const jitHandle: RouteHandle = { title: "Just-in-time VM access" };
const myAccessHandle: RouteHandle = { title: "My access" };
const approvalsHandle: RouteHandle = { title: "Pending approvals" };
const notificationsHandle: RouteHandle = { title: "Notifications" };
const activityHandle: RouteHandle = { title: "Activity log" };
const accessControlHandle: RouteHandle = { title: "Access control" };
const notFoundHandle: RouteHandle = { title: "Page not found" };

export const routes: RouteObject[] = [
  {
    path: "/",
    Component: AppShell,
    ErrorBoundary: RouteErrorBoundary,
    children: [
      { index: true, element: <Navigate to="/jit" replace /> },
      {
        path: "jit",
        element: (
          <RequirePermission need={pageNeeds.jit}>
            <JitRoute />
          </RequirePermission>
        ),
        ErrorBoundary: RouteErrorBoundary,
        handle: jitHandle,
      },
      {
        path: "my-access",
        element: (
          <RequirePermission need={pageNeeds.myAccess}>
            <MyAccessRoute />
          </RequirePermission>
        ),
        ErrorBoundary: RouteErrorBoundary,
        handle: myAccessHandle,
      },
      {
        path: "approvals",
        element: (
          <RequirePermission need={pageNeeds.approvals}>
            <ApprovalsRoute />
          </RequirePermission>
        ),
        ErrorBoundary: RouteErrorBoundary,
        handle: approvalsHandle,
      },
      {
        path: "activity",
        element: (
          <RequirePermission need={pageNeeds.activity}>
            <ActivityRoute />
          </RequirePermission>
        ),
        ErrorBoundary: RouteErrorBoundary,
        handle: activityHandle,
      },
      {
        path: "access-control",
        element: (
          <RequirePermission need={pageNeeds.accessControl}>
            <AccessControlRoute />
          </RequirePermission>
        ),
        ErrorBoundary: RouteErrorBoundary,
        handle: accessControlHandle,
      },
      {
        path: "notifications",
        element: (
          <RequirePermission need={pageNeeds.notifications}>
            <NotificationsRoute />
          </RequirePermission>
        ),
        ErrorBoundary: RouteErrorBoundary,
        handle: notificationsHandle,
      },
      { path: "*", Component: NotFoundRoute, ErrorBoundary: RouteErrorBoundary, handle: notFoundHandle },
    ],
  },
];

export function AppRouter() {
  // Created once the sign-in redirect is handled, so the router starts from the URL MSAL left behind.
  const [router] = useState(() => createBrowserRouter(routes));
  return <RouterProvider router={router} />;
}
