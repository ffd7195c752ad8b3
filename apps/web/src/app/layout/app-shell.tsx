import { Suspense } from "react";
import { Box, Toolbar } from "@mui/material";
import { Outlet } from "react-router";
import { PageSkeleton } from "./page-skeleton.tsx";
import { SideNav } from "./side-nav.tsx";
import { TopBar, topBarHeight } from "./top-bar.tsx";
import { usePageTitle } from "./use-page-title.ts";

/** The portal frame: top bar, left navigation, and the routed page. */
export function AppShell() {
  const title = usePageTitle();
  return (
    <Box sx={{ display: "flex", minHeight: "100vh" }}>
      {title ? <title>{`${title} · Portcullis`}</title> : null}
      <TopBar title={title} />
      <SideNav />
      <Box component="main" sx={{ flexGrow: 1, minWidth: 0, px: 3, pb: 3 }}>
        <Toolbar variant="dense" sx={{ minHeight: topBarHeight }} />
        <Box sx={{ pt: 2.5 }}>
          <Suspense fallback={<PageSkeleton />}>
            <Outlet />
          </Suspense>
        </Box>
      </Box>
    </Box>
  );
}
