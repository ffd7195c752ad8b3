export { main } from "./program.ts";
export { ExitCode, CliError } from "./errors.ts";
export type { CliIo } from "./context.ts";
export { configDir } from "./config-store.ts";
