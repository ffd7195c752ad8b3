import { fileURLToPath } from "node:url";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importCycles } from "./import-cycles.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const trees = ["packages/contract/src", "packages/core/src", "packages/local-issuer/src", "apps/azure-emulator/src", "apps/bff/src", "apps/cli/src", "apps/web/src", "bench", "e2e", "scripts"];
const fixtures = path.join(root, "scripts/lint-fixtures");

describe("no import cycles, type-only imports included", () => {
  it("finds a cycle made only of `import type` (which ESLint's no-cycle skips)", () => {
    expect(importCycles(path.join(fixtures, "type-cycle"))).toEqual([["grant-format.ts", "grant-view.ts"]]);
  });

  it.each(trees)("%s has none", (tree) => {
    // The deliberate cycles of the lint fixtures are the only ones allowed.
    expect(importCycles(path.join(root, tree), (file) => file.startsWith(fixtures))).toEqual([]);
  });
});
