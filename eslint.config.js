import { readdirSync } from "node:fs";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import importX, { createNodeResolver } from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";

const root = import.meta.dirname;
const foldersIn = (path) =>
  readdirSync(new URL(path, import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

/** The portal's features (apps/web/src/features/<f>) and the BFF's components (apps/bff/src/<c>, beside lib/). */
const webFeatures = foldersIn("./apps/web/src/features/");
const bffComponents = foldersIn("./apps/bff/src/").filter((name) => name !== "lib" && name !== "test-support");

/** The house's import directions (docs: style.md), kept by the linter rather than by review. */
const boundaryZones = [
  ...webFeatures.map((feature) => ({
    target: `apps/web/src/features/${feature}`,
    from: "apps/web/src/features",
    except: [`./${feature}`],
    message: "Features never import each other: the page that composes them (apps/web/src/app) passes what one needs from another.",
  })),
  {
    target: ["apps/web/src/components", "apps/web/src/hooks", "apps/web/src/lib"],
    from: ["apps/web/src/features", "apps/web/src/app"],
    message: "Shared web code (components, hooks, lib) imports no feature and not the app shell.",
  },
  {
    target: "apps/web/src/features",
    from: "apps/web/src/app",
    message: "Features do not import the app shell; the app imports features.",
  },
  ...[bffComponents.map((component) => `apps/bff/src/${component}`), ["apps/bff/src/*.ts"]].map((from) => ({
    // Production code: lib's own integration tests may drive the whole app.
    target: "apps/bff/src/lib/**/!(*.test).ts",
    from,
    message: "The BFF's lib imports no component (nor the composition root): a component registers with lib (a port, a subscriber) in the composition root.",
  })),
];

export default tseslint.config(
  // scripts/lint-fixtures break the rules on purpose: scripts/lint-boundaries.test.ts lints them to show each rule refusing.
  { ignores: ["**/node_modules/**", "**/dist/**", "data/**", "test-results/**", "playwright-report/**", "bench/results/**", "scripts/lint-fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  {
    files: ["apps/web/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["apps/web/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    // Boundaries: import zones, no relative path into another workspace, no cycles.
    files: ["**/*.{ts,tsx}"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".tsx", ".js"] })],
      // no-cycle reads the imported files too: with TypeScript's parser, or it cannot see their imports.
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/extensions": [".ts", ".tsx", ".js"],
    },
    rules: {
      "import-x/no-restricted-paths": ["error", { basePath: root, zones: boundaryZones }],
      "import-x/no-relative-packages": "error",
    },
  },
  {
    // A test file is imported by nothing, so it closes no cycle: skipping it halves the rule's time.
    files: ["**/*.{ts,tsx}"],
    ignores: ["**/*.test.{ts,tsx}"],
    rules: { "import-x/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    // Another workspace is imported by its package name and its exported entry points, never a path inside it.
    files: ["**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ regex: "^@portcullis/[^/]+/(src|test-support)(/|$)", message: "Import the workspace's entry point (@portcullis/x or @portcullis/x/testing), not a file inside it." }] }],
    },
  },
  {
    // Only the BFF's Azure adapter talks to Azure SDKs (the emulator's SDK-driven tests are the other client); the
    // CLI's sign-in (apps/cli/src/auth.ts) is its one MSAL importer.
    files: ["**/*.{ts,tsx}"],
    ignores: ["apps/bff/src/lib/azure/**", "apps/cli/src/auth.ts", "apps/azure-emulator/src/**/*.test.ts", "packages/local-issuer/src/**/*.test.ts", "apps/azure-emulator/src/test-support/**", "bench/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@azure/arm-*", "@azure/msal-node", "@azure/core-*"], message: "Only apps/bff/src/lib/azure imports Azure SDKs." },
            { regex: "^@portcullis/[^/]+/(src|test-support)(/|$)", message: "Import the workspace's entry point (@portcullis/x or @portcullis/x/testing), not a file inside it." },
          ],
        },
      ],
    },
  },
  {
    // Packages never import apps; the contract and the core are pure (no Azure SDK). The local issuer is a library
    // too, but an OpenID Connect server: its tests sign in with MSAL, as the portal and the CLI do.
    files: ["packages/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@portcullis/bff", "@portcullis/web", "@portcullis/azure-emulator", "**/apps/**"], message: "Packages never import apps." },
            { regex: "^@portcullis/[^/]+/(src|test-support)(/|$)", message: "Import the workspace's entry point (@portcullis/x or @portcullis/x/testing), not a file inside it." },
          ],
        },
      ],
    },
  },
  {
    files: ["packages/contract/**/*.ts", "packages/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@portcullis/bff", "@portcullis/web", "@portcullis/azure-emulator", "**/apps/**"], message: "Packages never import apps." },
            { group: ["@azure/*"], message: "Packages are pure." },
            { regex: "^@portcullis/[^/]+/(src|test-support)(/|$)", message: "Import the workspace's entry point (@portcullis/x or @portcullis/x/testing), not a file inside it." },
          ],
        },
      ],
    },
  },
);
