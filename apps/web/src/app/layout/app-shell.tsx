import { Suspense, useEffect, useState, type ReactNode } from "react";
import { Box, Toolbar, useMediaQuery, useTheme } from "@mui/material";
import { Outlet, useLocation } from "react-router";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { useAuthSession } from "../../lib/auth/auth-context.tsx";
import { CurrentUserProvider } from "../../lib/auth/current-user.tsx";
import { useMeQuery } from "../../lib/auth/get-me.ts";
import { hasAnyRole, summariseRoles } from "../../lib/permissions.ts";
import { AccountArea } from "./account-area.tsx";
import { visibleNavItems } from "./nav-items.ts";
import { NoAccess } from "./no-access.tsx";
import { PageSkeleton } from "./page-skeleton.tsx";
import { SideNav, sideNavId } from "./side-nav.tsx";
import { SkipLink, mainContentId } from "./skip-link.tsx";
import { TopBar, topBarHeight } from "./top-bar.tsx";
import { usePageTitle } from "./use-page-title.ts";

/** The portal frame for a signed-in user: top bar, left navigation, and the routed page once roles are known. */
export function AppShell() {
  const session = useAuthSession();
  const me = useMeQuery();
  const title = usePageTitle();
  const granted = me.data !== undefined && hasAnyRole(me.data);
  // Below the md breakpoint the navigation is a drawer over the page, opened from the top bar.
  const wide = useMediaQuery(useTheme().breakpoints.up("md"), { noSsr: true });
  const [navOpen, setNavOpen] = useState(false);
  const { pathname } = useLocation();
  // Whatever moved to another page (a link in the page, Back) also closes the drawer.
  useEffect(() => setNavOpen(false), [pathname]);

  let page: ReactNode;
  if (me.isPending) page = <PageSkeleton />;
  else if (me.isError) {
    page = (
      <ErrorAlert
        error={me.error}
        title="Your Portcullis roles could not be loaded"
        onRetry={() => void me.refetch()}
        retrying={me.isFetching}
      />
    );
  } else if (!granted) page = <NoAccess me={me.data} />;
  else {
    page = (
      <CurrentUserProvider me={me.data}>
        <Suspense fallback={<PageSkeleton />}>
          <Outlet />
        </Suspense>
      </CurrentUserProvider>
    );
  }

  const account = session.account;
  return (
    <Box sx={{ display: "flex", minHeight: "100vh" }}>
      {title && granted ? <title>{`${title} · Portcullis`}</title> : null}
      <SkipLink />
      <TopBar
        title={granted ? title : undefined}
        navigation={wide || !granted ? undefined : { open: navOpen, controls: sideNavId, onToggle: () => setNavOpen((open) => !open) }}
        account={
          <AccountArea
            name={me.data?.user.name ?? account?.name ?? account?.username ?? ""}
            roles={me.data ? summariseRoles(me.data) : undefined}
            rolesDetail={me.data?.assignments.map((a) => `${a.role} at ${a.scope}`).join("\n")}
            onSignOut={session.signOut}
          />
        }
      />
      <SideNav
        items={granted ? visibleNavItems(me.data) : []}
        variant={wide ? "permanent" : "temporary"}
        open={navOpen}
        onClose={() => setNavOpen(false)}
      />
      <Box component="main" id={mainContentId} tabIndex={-1} sx={{ flexGrow: 1, minWidth: 0, px: { xs: 1.5, sm: 3 }, pb: 3, outline: "none" }}>
        <Toolbar variant="dense" sx={{ minHeight: topBarHeight }} />
        <Box sx={{ pt: { xs: 2, sm: 2.5 } }}>{page}</Box>
      </Box>
    </Box>
  );
}
