import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const distDir = join(root, "apps/web/dist");
const stampFile = join(distDir, ".build-stamp");
/** Everything the SPA bundle is built from. */
const inputs = ["apps/web/src", "apps/web/index.html", "packages/contract/src", "packages/core/src", "vite.config.ts", "package-lock.json"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when apps/web/dist is missing or older than any of its sources. */
export function webBuildIsStale(): boolean {
  if (!existsSync(stampFile)) return true;
  const built = statSync(stampFile).mtimeMs;
  return inputs.some((input) => newestMtime(join(root, input)) > built);
}

/** Builds the SPA with the root vite.config.ts unless the existing build is current. */
export async function ensureWebBuild(log: (message: string) => void): Promise<void> {
  if (!webBuildIsStale()) return;
  log("Building the portal (apps/web) ...");
  const started = Date.now();
  const { build } = await import("vite");
  await build({ configFile: join(root, "vite.config.ts"), logLevel: "warn" });
  writeFileSync(stampFile, new Date().toISOString());
  log(`Portal built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
