import { useState, type ReactNode } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { CssBaseline, ThemeProvider } from "@mui/material";
import { createQueryClient } from "./query-client.ts";
import { theme } from "./theme.ts";

export function AppProviders({ children }: { children: ReactNode }) {
  // One client for the page's lifetime, created on first render (not at import, which tests may do).
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        {children}
      </ThemeProvider>
    </QueryClientProvider>
  );
}
