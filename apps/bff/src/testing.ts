/**
 * `@portcullis/bff/testing`: what tests and benchmarks outside the BFF (bench/, scripts/) start and drive it with.
 * Other workspaces import this entry point, never a path inside apps/bff/src (ESLint refuses that).
 */
export type { ArmClients } from "./lib/azure/clients.ts";
export { openDatabase, type Database } from "./lib/db/database.ts";
export { migrateToLatest } from "./lib/db/migrate.ts";
export type { DatabaseSchema } from "./lib/db/schema.ts";
export { testPostgresUrl } from "./test-support/db-engines.ts";
export { createLogger } from "./lib/logger.ts";
export { demo } from "./test-support/policies.ts";
export type { GrantRecord } from "./requests/grant-record.ts";
export { toRecord } from "./requests/grant-rows.ts";
export { allowRules, enablePolicy, sshPerRequest } from "./test-support/requests.ts";
export { assembleBff } from "./server.ts";
export { startChildBff, type ChildBff } from "./test-support/child-bff.ts";
export { signInAs } from "./test-support/sign-in.ts";
export { assembleTestBff, startTestEmulator, testConfig, type InProcessBff, type TestEmulator } from "./test-support/stack.ts";
export { testArmClients } from "./test-support/test-arm.ts";
export { issuerSigningKey, signToken, userClaims } from "./test-support/tokens.ts";
