export { createApp, defaultWebDistDir, type AppDeps } from "./app.ts";
export { startBff, assembleBff, type RunningBff, type StartBffOptions, type AssembledBff } from "./server.ts";
export {
  loadConfig,
  describeConfig,
  ConfigError,
  type Config,
  type ConfigOverrides,
  type AzureCredentialConfig,
  type LogLevel,
} from "./lib/config.ts";
export { createLogger, type Logger } from "./lib/logger.ts";
export { DataDirLockedError } from "./lib/db/data-dir-lock.ts";
export { openDatabase, type Database, type DatabaseTarget } from "./lib/db/database.ts";
export { migrateToLatest } from "./lib/db/migrate.ts";
export { localEmulatorToken } from "./lib/azure/credential.ts";
