import { lazy } from "react";
import { createBrowserRouter, Navigate, RouterProvider, type RouteObject } from "react-router";
import { AppShell } from "./layout/app-shell.tsx";
import { RouteErrorBoundary } from "./route-error-boundary.tsx";
import type { RouteHandle } from "./route-handle.ts";

// Pages load on demand so the first paint only needs the shell.
const JitRoute = lazy(() => import("./routes/jit.tsx").then((m) => ({ default: m.JitRoute })));
const ActivityRoute = lazy(() => import("./routes/activity.tsx").then((m) => ({ default: m.ActivityRoute })));
const NotFoundRoute = lazy(() => import("./routes/not-found.tsx").then((m) => ({ default: m.NotFoundRoute })));

const jitHandle: RouteHandle = { title: "Just-in-time VM access" };
const activityHandle: RouteHandle = { title: "Activity log" };
const notFoundHandle: RouteHandle = { title: "Page not found" };

export const routes: RouteObject[] = [
  {
    path: "/",
    Component: AppShell,
    ErrorBoundary: RouteErrorBoundary,
    children: [
      { index: true, element: <Navigate to="/jit" replace /> },
      { path: "jit", Component: JitRoute, ErrorBoundary: RouteErrorBoundary, handle: jitHandle },
      { path: "activity", Component: ActivityRoute, ErrorBoundary: RouteErrorBoundary, handle: activityHandle },
      { path: "*", Component: NotFoundRoute, ErrorBoundary: RouteErrorBoundary, handle: notFoundHandle },
    ],
  },
];

const router = createBrowserRouter(routes);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
