import { readFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** One entry of Vite's `.vite/manifest.json` (the fields used here). */
export interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
export type ViteManifest = Record<string, ManifestChunk>;

/**
 * The JavaScript the browser must load before the app runs: each entry chunk and, transitively, the chunks it
 * imports statically (index.html modulepreloads them). Dynamically imported chunks load later and are left out.
 */
export function initialJsFiles(manifest: ViteManifest): string[] {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (chunk === undefined) throw new Error(`the manifest names ${key} but has no entry for it`);
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  const entries = Object.keys(manifest).filter((key) => manifest[key]?.isEntry === true);
  if (entries.length === 0) throw new Error("the manifest has no entry chunk");
  for (const key of entries) visit(key);
  return [...files].filter((file) => file.endsWith(".js"));
}

export interface InitialJs {
  files: string[];
  rawBytes: number;
  /** Each file gzipped alone at zlib's default level, as a compressing proxy would send it. */
  gzipBytes: number;
}

/** Builds the SPA with the root vite.config.ts into `outDir` (not apps/web/dist, which `npm start` may be serving). */
export async function buildPortal(root: string, outDir: string): Promise<void> {
  const { build } = await import("vite");
  await build({ configFile: path.join(root, "vite.config.ts"), logLevel: "warn", build: { outDir, emptyOutDir: true, manifest: true } });
}

export async function measureInitialJs(outDir: string): Promise<InitialJs> {
  const manifest = JSON.parse(await readFile(path.join(outDir, ".vite", "manifest.json"), "utf8")) as ViteManifest;
  const files = initialJsFiles(manifest);
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = await readFile(path.join(outDir, file));
    rawBytes += content.length;
    gzipBytes += gzipSync(content).length;
  }
  return { files, rawBytes, gzipBytes };
}
