/**
 * The one spelling of a field path in a 400's `details.problems[].field` (and wherever else the API names a
 * field): names joined with dots, array indices in brackets, as JavaScript writes them:
 * `ports[1].allowedSources.prefixes[0]`. The BFF spells every path it reports with `fieldPath`, whether zod or
 * the domain found the problem, and clients read them back with `fieldPathParts`, so neither side guesses at
 * another spelling.
 */

/** One step of a field path: a property name, or an index into an array. */
export type FieldPathPart = string | number;

/**
 * `["ports", 1, "allowedSources", "prefixes", 0]` (zod's `issue.path`) as `ports[1].allowedSources.prefixes[0]`.
 * The empty path is the whole input, named by `whole` (`body`, `query` or `params`).
 */
export function fieldPath(path: readonly PropertyKey[], whole = "body"): string {
  if (path.length === 0) return whole;
  let spelled = "";
  for (const part of path) {
    if (typeof part === "number") spelled += `[${part}]`;
    else spelled += spelled === "" ? String(part) : `.${String(part)}`;
  }
  return spelled;
}

const part = /\[(\d+)\]|([^.[\]]+)/g;

/**
 * `ports[1].allowedSources.prefixes[0]` back as `["ports", 1, "allowedSources", "prefixes", 0]`. The whole
 * input (`body`, `query`, `params`) reads as that one name; no field inside a request is called so.
 */
export function fieldPathParts(field: string): FieldPathPart[] {
  return [...field.matchAll(part)].map(([, index, name]) => (index === undefined ? (name as string) : Number(index)));
}
