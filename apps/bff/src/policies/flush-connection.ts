import { armIdKey } from "@portcullis/core";
import type { Nsg, NsgChange, PlanResult } from "@portcullis/core";
import type { NsgPlanSource } from "../lib/azure/nsg-apply.ts";

/** The flushConnection each NSG should have, keyed by lower-cased NSG id. */
export type FlushSettings = ReadonlyMap<string, boolean>;

const flushOf = (nsg: Nsg): boolean => nsg.flushConnection === true;

function withFlush(result: PlanResult, nsgs: readonly Nsg[], wanted: FlushSettings): PlanResult {
  if (!result.ok || wanted.size === 0) return result;
  const changes: NsgChange[] = result.changes.map((change) => {
    const want = wanted.get(armIdKey(change.nsgId));
    return want === undefined ? change : { ...change, flushConnection: want };
  });
  const unchanged: string[] = [];
  for (const id of result.unchanged) {
    const nsg = nsgs.find((n) => armIdKey(n.id) === armIdKey(id));
    const want = wanted.get(armIdKey(id));
    if (nsg === undefined || want === undefined || flushOf(nsg) === want) {
      unchanged.push(id);
      continue;
    }
    // The rules stay; only the property changes: still one whole-NSG write.
    const diff = { added: [], removed: [], renumbered: [], updated: [], unchanged: nsg.rules.length };
    changes.push({ nsgId: nsg.id, nsgName: nsg.name, rules: nsg.rules, diff, flushConnection: want });
  }
  return { ...result, changes, unchanged };
}

/**
 * An operation that also sets `flushConnection` on some NSGs ("End live sessions when access ends"), in the same
 * write as their rules (or a write of its own when the rules do not change). Its undo puts back the values the
 * NSGs had when the operation first read them. `previous` is filled by the first plan.
 */
export function withFlushConnection(source: NsgPlanSource, wanted: FlushSettings): NsgPlanSource & { previous: Map<string, boolean> } {
  const previous = new Map<string, boolean>();
  return {
    previous,
    plan(nsgs) {
      for (const nsg of nsgs) if (wanted.has(armIdKey(nsg.id)) && !previous.has(armIdKey(nsg.id))) previous.set(armIdKey(nsg.id), flushOf(nsg));
      return withFlush(source.plan(nsgs), nsgs, wanted);
    },
    undo(nsgs) {
      return withFlush(source.undo(nsgs), nsgs, previous);
    },
  };
}
