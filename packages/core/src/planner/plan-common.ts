import { armIdKey } from "../inventory/arm-id.ts";
import type { Nsg } from "../nsg/types.ts";
import { planNsg } from "./nsg-plan.ts";
import type { JitTransform } from "./nsg-plan.ts";
import type { NsgChange, PlanFailure, PlanResult } from "./types.ts";

export function invalidInput(message: string, nsgId: string | null = null): PlanFailure {
  return { ok: false, reason: "invalid-input", nsgId, message };
}

/** NSGs by lower-cased id (ARM ids compare case-insensitively). */
export function indexNsgs(nsgs: readonly Nsg[]): Map<string, Nsg> | PlanFailure {
  const byKey = new Map<string, Nsg>();
  for (const nsg of nsgs) {
    const key = armIdKey(nsg.id);
    if (byKey.has(key)) return invalidInput(`NSG ${nsg.name} is listed twice`, nsg.id);
    byKey.set(key, nsg);
  }
  return byKey;
}

/** Plans every NSG with its transform (null: leave it alone); the first failure stops everything, so nothing is written. */
export function planAll(nsgs: readonly Nsg[], transformFor: (nsg: Nsg) => JitTransform | null): PlanResult {
  const changes: NsgChange[] = [];
  const unchanged: string[] = [];
  for (const nsg of nsgs) {
    const transform = transformFor(nsg);
    if (transform === null) continue;
    const outcome = planNsg(nsg, transform);
    if (!outcome.ok) return outcome;
    if (outcome.change === null) unchanged.push(nsg.id);
    else changes.push(outcome.change);
  }
  return { ok: true, changes, unchanged };
}
