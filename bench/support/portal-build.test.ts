import { expect, it } from "vitest";
import { initialJsFiles, type ViteManifest } from "./portal-build.ts";

const manifest: ViteManifest = {
  "index.html": { file: "assets/index.js", isEntry: true, imports: ["_vendor.js", "_ui.js"], dynamicImports: ["src/routes/jit.tsx"] },
  "_vendor.js": { file: "assets/vendor.js" },
  "_ui.js": { file: "assets/ui.js", imports: ["_vendor.js", "_icons.js"] },
  "_icons.js": { file: "assets/icons.js" },
  "src/routes/jit.tsx": { file: "assets/jit.js", imports: ["_table.js"], isEntry: false },
  "_table.js": { file: "assets/table.js" },
  "style.css": { file: "assets/index.css" },
};

it("counts the entry and everything it imports statically, each once, but no lazily loaded route", () => {
  expect(initialJsFiles(manifest).sort()).toEqual(["assets/icons.js", "assets/index.js", "assets/ui.js", "assets/vendor.js"]);
});

it("fails loudly on a manifest without an entry or with a dangling import", () => {
  expect(() => initialJsFiles({ "_a.js": { file: "a.js" } })).toThrow("no entry chunk");
  expect(() => initialJsFiles({ "index.html": { file: "i.js", isEntry: true, imports: ["_gone.js"] } })).toThrow("_gone.js");
});
