export { createApp, defaultWebDistDir, type AppDeps } from "./app.ts";
export { startBff, assembleBff, listeningReach, type RunningBff, type StartBffOptions, type AssembledBff, type AssembleOptions } from "./server.ts";
export {
  loadConfig,
  loadStorageConfig,
  loadLauncherConfig,
  type LauncherConfig,
  ConfigError,
  type Config,
  type ConfigOverrides,
  type AzureCredentialConfig,
  type AuthConfig,
  type RateLimits,
  type LogLevel,
} from "./lib/config.ts";
export { describeConfig } from "./lib/config-description.ts";
export { createLogger, type Logger } from "./lib/logger.ts";
export { DataDirLockedError } from "./lib/db/data-dir-lock.ts";
export { openDatabase, databaseTargetFromConfig, type Database, type DatabaseTarget } from "./lib/db/database.ts";
export { verifyAuditChain } from "./lib/audit/audit-verify.ts";
export { loadAuditSigningKey } from "./lib/audit/audit-signing.ts";
export { migrateToLatest } from "./lib/db/migrate.ts";
export { createLocalArmTokenVerifier, type LocalArmTokenVerifier } from "./lib/auth/arm-token-verifier.ts";
export type { LocalIssuerInfo } from "./lib/auth/local-sign-in.ts";
export type { Clock, Timer } from "./lib/time/clock.ts";
export type { AccessRequestTuning } from "./requests/wiring.ts";
export { runDoctorFor, formatFindings, type DoctorRunOptions } from "./doctor/run.ts";
export type { Finding } from "./doctor/doctor.ts";
