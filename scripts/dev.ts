// `npm run dev`: the same backend as `npm start`, plus Vite's dev server with HMR for the SPA (proxying /api).
import { createServer } from "vite";
import { fileURLToPath } from "node:url";
import { ConfigError, DataDirLockedError } from "@portcullis/bff";
import { startLocalStack } from "./local-stack.ts";

const log = (message: string) => console.log(`[portcullis] ${message}`);
/** vite.config.ts: server.port (strictPort). */
const vitePort = 5173;

async function main(): Promise<void> {
  // The SPA is served by Vite (which proxies /api and /oidc to the BFF), so that is the origin users sign in from.
  const stack = await startLocalStack({ ...process.env, PUBLIC_URL: process.env["PUBLIC_URL"] ?? `http://localhost:${vitePort}` }, log);
  const vite = await createServer({ configFile: fileURLToPath(new URL("../vite.config.ts", import.meta.url)) });
  await vite.listen();
  log(`API at ${stack.bff.url}; portal with hot reload at http://localhost:${vite.config.server.port}`);
  const stop = async () => {
    await vite.close();
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(`[portcullis] ${error instanceof ConfigError || error instanceof DataDirLockedError ? error.message : String(error)}`);
  process.exit(1);
});
