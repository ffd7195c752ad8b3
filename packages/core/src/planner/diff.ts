import type { NsgRule } from "../nsg/types.ts";
import type { NsgDiff } from "./types.ts";

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Equal in everything but priority. */
export function sameContent(a: NsgRule, b: NsgRule): boolean {
  return (
    a.name === b.name &&
    a.direction === b.direction &&
    a.access === b.access &&
    a.protocol === b.protocol &&
    sameList(a.sourceAddressPrefixes, b.sourceAddressPrefixes) &&
    sameList(a.sourcePortRanges, b.sourcePortRanges) &&
    sameList(a.destinationAddressPrefixes, b.destinationAddressPrefixes) &&
    sameList(a.destinationPortRanges, b.destinationPortRanges) &&
    (a.description ?? "") === (b.description ?? "")
  );
}

/** Rules are matched by name (unique in an NSG). */
export function diffRules(before: readonly NsgRule[], after: readonly NsgRule[]): NsgDiff {
  const beforeByName = new Map(before.map((rule) => [rule.name, rule]));
  const afterNames = new Set(after.map((rule) => rule.name));
  const diff: NsgDiff = { added: [], removed: [], renumbered: [], updated: [], unchanged: 0 };
  for (const rule of after) {
    const previous = beforeByName.get(rule.name);
    if (previous === undefined) diff.added.push(rule);
    else if (!sameContent(previous, rule)) diff.updated.push({ before: previous, after: rule });
    else if (previous.priority !== rule.priority) diff.renumbered.push({ name: rule.name, from: previous.priority, to: rule.priority });
    else diff.unchanged++;
  }
  for (const rule of before) if (!afterNames.has(rule.name)) diff.removed.push(rule);
  return diff;
}
