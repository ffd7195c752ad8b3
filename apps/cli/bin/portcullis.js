#!/usr/bin/env node
// The `portcullis` command. In the repository it runs the TypeScript sources (Node 24 strips the types); the packed
// tarball carries the bundle in dist/ instead.
import { existsSync } from "node:fs";

// A reader that goes away (`portcullis activity | head`) ends the command quietly, not with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    process.stderr.write(`portcullis: cannot write output (${error.code ?? error.message})\n`);
    process.exit(1);
  });
}

const bundle = new URL("../dist/portcullis.js", import.meta.url);
let main;
try {
  ({ main } = await import(existsSync(bundle) ? bundle.href : new URL("../src/index.ts", import.meta.url).href));
} catch (error) {
  process.stderr.write(`portcullis: cannot start on Node.js ${process.version} (${error.code ?? error.message}); in the repository run it as \`npx portcullis\`, which uses the project's Node.js 24\n`);
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
