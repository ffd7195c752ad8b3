import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * Import cycles among a tree's own modules, type-only imports included. ESLint's `import-x/no-cycle` keeps value
 * cycles out, but it skips `import type` by design; a cycle of types still ties two modules together (neither can
 * move or be read alone), so the tree is checked for those too (scripts/import-cycles.test.ts).
 */
export function importCycles(dir: string, skip: (file: string) => boolean = () => false): string[][] {
  const files = sourceFiles(dir).filter((file) => !skip(file));
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  for (const file of files) {
    // `preProcessFile` lists every import and re-export, `import type` and `export type ... from` included.
    const imported = ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((ref) => ref.fileName);
    edges.set(
      file,
      imported.filter((name) => name.startsWith(".")).map((name) => path.resolve(path.dirname(file), name)).filter((target) => known.has(target)),
    );
  }
  return stronglyConnected(files, edges)
    .filter((component) => component.length > 1)
    .map((component) => component.map((file) => path.relative(dir, file)).sort());
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.(test|spec)\.tsx?$/.test(entry.name) && !entry.parentPath.includes("node_modules"))
    .map((entry) => path.resolve(entry.parentPath, entry.name));
}

/** Tarjan's algorithm: the strongly connected components of the import graph. */
function stronglyConnected(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      for (;;) {
        const member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
        if (member === node) break;
      }
      components.push(component);
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components;
}
