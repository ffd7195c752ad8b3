import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "vite";

const run = promisify(execFile);
const cliRoot = fileURLToPath(new URL("..", import.meta.url));

/** Workspace packages are not published: the bundle carries them (and what only they need). */
const bundled = ["@portcullis/contract", "tinyduration"];

/**
 * Packs the CLI for `npm install -g <tarball>`: the sources (and the contract) bundled to plain JavaScript in
 * dist/portcullis.js, the same bin, and a package.json whose dependencies are only published packages.
 * Returns the tarball's path (in `outDir`).
 */
export async function packCli(outDir: string): Promise<string> {
  const stage = await mkdtemp(path.join(tmpdir(), "portcullis-cli-pack-"));
  try {
    await build({
      configFile: false,
      root: cliRoot,
      logLevel: "warn",
      build: {
        ssr: path.join(cliRoot, "src/index.ts"),
        outDir: path.join(stage, "dist"),
        emptyOutDir: true,
        target: "node20",
        minify: false,
        rollupOptions: { output: { entryFileNames: "portcullis.js", format: "es" } },
      },
      ssr: { noExternal: bundled, target: "node" },
    });
    const manifest = JSON.parse(await readFile(path.join(cliRoot, "package.json"), "utf8")) as { version: string; description: string; dependencies: Record<string, string> };
    const dependencies = Object.fromEntries(Object.entries(manifest.dependencies).filter(([name]) => !bundled.includes(name)));
    await writeFile(
      path.join(stage, "package.json"),
      `${JSON.stringify(
        { name: "@portcullis/cli", version: manifest.version, description: manifest.description, type: "module", bin: { portcullis: "./bin/portcullis.js" }, files: ["bin", "dist"], engines: { node: ">=20" }, dependencies },
        null,
        2,
      )}\n`,
    );
    await mkdir(path.join(stage, "bin"));
    await copyFile(path.join(cliRoot, "bin/portcullis.js"), path.join(stage, "bin/portcullis.js"));
    await mkdir(outDir, { recursive: true });
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", path.resolve(outDir)], { cwd: stage });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
    if (packed === undefined) throw new Error("npm pack produced no tarball");
    return path.join(path.resolve(outDir), packed.filename);
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tarball = await packCli(process.argv[2] ?? ".");
  process.stdout.write(`${tarball}\n`);
}
