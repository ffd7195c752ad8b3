import "@testing-library/jest-dom/vitest";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Vitest runs without globals, so Testing Library cannot register its own clean-up.
afterEach(() => cleanup());

// The machine is shared (2 cores): give findBy* and waitFor more than the default second before failing.
configure({ asyncUtilTimeout: 3000 });
