// `npm start`: build the portal if needed, start the Azure emulator when no Azure is configured, start the BFF.
import { ConfigError, DataDirLockedError } from "@portcullis/bff";
import { ensureWebBuild } from "./web-build.ts";
import { startLocalStack } from "./local-stack.ts";

const log = (message: string) => console.log(`[portcullis] ${message}`);

async function main(): Promise<void> {
  await ensureWebBuild(log);
  const stack = await startLocalStack(process.env, log);
  log(`Portal ready at ${stack.bff.publicUrl}  (Ctrl-C to stop)`);
  log(stack.reach);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, stopping ...`);
    await stack.stop();
    log("Stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(`[portcullis] ${error.message}`);
  } else {
    console.error("[portcullis] failed to start:", error);
  }
  process.exit(1);
});
