import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "data/**", "test-results/**", "playwright-report/**", "bench/results/**"] },
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
    // Only the BFF's Azure adapter talks to Azure SDKs (the emulator's SDK-driven tests are the other client); the
    // CLI's sign-in (apps/cli/src/auth.ts) is its one MSAL importer.
    files: ["**/*.{ts,tsx}"],
    ignores: ["apps/bff/src/lib/azure/**", "apps/cli/src/auth.ts", "apps/azure-emulator/src/**/*.test.ts", "apps/local-issuer/src/**/*.test.ts", "apps/azure-emulator/src/test-support/**", "bench/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@azure/arm-*", "@azure/msal-node", "@azure/core-*"], message: "Only apps/bff/src/lib/azure imports Azure SDKs." }] }],
    },
  },
  {
    // Packages never import apps.
    files: ["packages/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["@portcullis/bff", "@portcullis/web", "@portcullis/azure-emulator", "**/apps/**"], message: "Packages never import apps." }, { group: ["@azure/*"], message: "Packages are pure." }] }],
    },
  },
);
