import { useState, type ReactNode } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { CssBaseline, ThemeProvider } from "@mui/material";
import { ApiClientProvider } from "../lib/api-client-context.tsx";
import { AuthSessionProvider } from "../lib/auth/auth-context.tsx";
import { createQueryClient } from "./query-client.ts";
import type { Started } from "./boot.ts";
import { theme } from "./theme.ts";

/** Theme only: what even the start-up error screen needs. */
export function ThemeProviders({ children }: { children: ReactNode }) {
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      {children}
    </ThemeProvider>
  );
}

export function AppProviders({ started, children }: { started: Started; children: ReactNode }) {
  // One client for the page's lifetime, created on first render (not at import, which tests may do).
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <ApiClientProvider client={started.apiClient}>
        <AuthSessionProvider session={started.session}>
          <ThemeProviders>{children}</ThemeProviders>
        </AuthSessionProvider>
      </ApiClientProvider>
    </QueryClientProvider>
  );
}
