import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { startPortal } from "./app/boot.ts";
import { AppProviders, ThemeProviders } from "./app/providers.tsx";
import { Portal } from "./app/portal.tsx";
import { StartupError } from "./app/startup-error.tsx";
import { StartupProgress } from "./app/startup-progress.tsx";

const container = document.getElementById("root");
if (!container) throw new Error("index.html must contain <div id=\"root\">.");
const root = createRoot(container);
root.render(
  <ThemeProviders>
    <StartupProgress />
  </ThemeProviders>,
);

startPortal().then(
  (started) =>
    root.render(
      <StrictMode>
        <AppProviders started={started}>
          <Portal />
        </AppProviders>
      </StrictMode>,
    ),
  (error: unknown) =>
    root.render(
      <StrictMode>
        <ThemeProviders>
          <StartupError error={error} />
        </ThemeProviders>
      </StrictMode>,
    ),
);
