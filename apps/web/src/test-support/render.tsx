import type { ReactElement, ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ThemeProvider } from "@mui/material";
import { createMemoryRouter, RouterProvider } from "react-router";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { theme } from "../app/theme.ts";
import { ApiClientProvider } from "../lib/api-client-context.tsx";
import { fakeApi, type FakeApi } from "./fake-api.ts";

type RenderOptions = {
  /** The fake BFF the components talk to; a new one with no routes when absent. */
  api?: FakeApi;
  /** The address the page is at (`/activity?vmId=...`). */
  url?: string;
};

/**
 * Renders `ui` as the portal does: one React Query client (no retries, so a refusal shows at once), the API client
 * over the fake BFF, a memory router at `url`, and the portal's MUI theme. Returns Testing Library's queries, a
 * user-event session and the router (its `state.location` is the address bar).
 */
export function renderWithProviders(ui: ReactElement, options: RenderOptions = {}) {
  const api = options.api ?? fakeApi();
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 0 }, mutations: { retry: false } } });
  const router = createMemoryRouter([{ path: "*", element: ui }], { initialEntries: [options.url ?? "/"] });
  function Providers({ children }: { children: ReactNode }) {
    return (
      <QueryClientProvider client={queryClient}>
        <ApiClientProvider client={api.client}>
          <ThemeProvider theme={theme}>{children}</ThemeProvider>
        </ApiClientProvider>
      </QueryClientProvider>
    );
  }
  // No pause between keystrokes: the forms re-render on each one, and the pauses only add up.
  const user = userEvent.setup({ delay: null });
  const result = render(<RouterProvider router={router} />, { wrapper: Providers });
  return { ...result, user, api, router, queryClient };
}
