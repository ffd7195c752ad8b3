import { fileURLToPath } from "node:url";
import { ESLint, type Linter } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The house's import rules (docs: style.md) are kept by ESLint, not by review: each snippet below is linted as if it
 * sat at `filePath` in this repository, with the repository's own eslint.config.js, and must be refused by the rule
 * named, with its message; the same import in an allowed place passes.
 */
const root = fileURLToPath(new URL("..", import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  // `ignore: false`: the cycle's fixture files sit in a folder `npm run lint` skips.
  eslint = new ESLint({ cwd: root, ignore: false });
});

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages ?? [];
}

const ruleOf = (messages: readonly Linter.LintMessage[]) => messages.map((message) => message.ruleId);

describe("ESLint keeps the import boundaries", () => {
  it("refuses a feature importing another feature, and allows it within the feature", async () => {
    const across = await lint(
      "apps/web/src/features/activity/components/boundary-probe.ts",
      'import { describePolicy } from "../../policies/utils/describe-policy.ts";\nexport const probe = describePolicy;\n',
    );
    expect(ruleOf(across)).toEqual(["import-x/no-restricted-paths"]);
    expect(across[0]?.message).toContain("Features never import each other");

    const within = await lint("apps/web/src/features/activity/components/boundary-probe.ts", 'import { hasFilters } from "../utils/activity-filters.ts";\nexport const probe = hasFilters;\n');
    expect(within).toEqual([]);
  });

  it("refuses shared web code importing a feature", async () => {
    const messages = await lint("apps/web/src/lib/boundary-probe.ts", 'import { hasFilters } from "../features/activity/utils/activity-filters.ts";\nexport const probe = hasFilters;\n');
    expect(ruleOf(messages)).toEqual(["import-x/no-restricted-paths"]);
    expect(messages[0]?.message).toContain("Shared web code (components, hooks, lib) imports no feature");
  });

  it("refuses the BFF's lib importing a component, and allows lib importing lib", async () => {
    const messages = await lint("apps/bff/src/lib/http/boundary-probe.ts", 'import { requestRoutes } from "../../requests/routes.ts";\nexport const probe = requestRoutes;\n');
    expect(ruleOf(messages)).toEqual(["import-x/no-restricted-paths"]);
    expect(messages[0]?.message).toContain("The BFF's lib imports no component");

    const within = await lint("apps/bff/src/lib/http/boundary-probe.ts", 'import { createLogger } from "../logger.ts";\nexport const probe = createLogger;\n');
    expect(within).toEqual([]);
  });

  it("refuses a relative path into another workspace, and a package path inside it; allows the entry points", async () => {
    const relative = await lint("bench/scenarios/boundary-probe.ts", 'import { assembleBff } from "../../apps/bff/src/server.ts";\nexport const probe = assembleBff;\n');
    expect(ruleOf(relative)).toEqual(["import-x/no-relative-packages"]);

    const deep = await lint("apps/web/src/lib/boundary-probe.ts", 'import { sourceCoverage } from "@portcullis/core/src/net/coverage.ts";\nexport const probe = sourceCoverage;\n');
    expect(ruleOf(deep)).toContain("no-restricted-imports");
    expect(deep.find((message) => message.ruleId === "no-restricted-imports")?.message).toContain("not a file inside it");

    const entry = await lint("bench/scenarios/boundary-probe.ts", 'import { assembleBff } from "@portcullis/bff/testing";\nexport const probe = assembleBff;\n');
    expect(entry).toEqual([]);
  });

  it("refuses an import cycle", async () => {
    const results = await eslint.lintFiles(["scripts/lint-fixtures/cycle/clock.ts", "scripts/lint-fixtures/cycle/tick-format.ts"]);
    for (const result of results) {
      expect(result.messages.map((message) => [message.ruleId, message.message])).toEqual([["import-x/no-cycle", "Dependency cycle detected"]]);
    }
    expect(results).toHaveLength(2);
  });

  it("refuses a hook called conditionally in the portal", async () => {
    const messages = await lint(
      "apps/web/src/hooks/boundary-probe.ts",
      'import { useState } from "react";\nexport function useProbe(on: boolean) {\n  if (on) useState(0);\n  return on;\n}\n',
    );
    expect(ruleOf(messages)).toEqual(["react-hooks/rules-of-hooks"]);
  });
});
