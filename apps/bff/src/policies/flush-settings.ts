import { armIdKey } from "@portcullis/core";
import type { VmNetworkRead } from "../lib/azure/nsg-read.ts";
import type { PolicyRecord } from "./policy-mapping.ts";
import { positionNsgIds } from "../lib/azure/vm-positions.ts";

/**
 * "End live sessions when access ends" sets flushConnection on the NSGs in front of a VM while its policy stands.
 * Each policy records what every NSG had before ("previous"); an NSG shared by several such policies keeps the
 * value from before the first of them, and is put back only when the last of them goes.
 */

interface FlushTarget {
  vmId: string;
  endLiveSessions?: boolean;
}

/** NSGs some other stored policy keeps flushing, with the value they had before it. */
function heldByOthers(others: readonly PolicyRecord[]): Map<string, boolean> {
  const held = new Map<string, boolean>();
  for (const other of others) {
    if (!other.endLiveSessions) continue;
    for (const [nsg, before] of Object.entries(other.flushPrevious)) if (!held.has(nsg)) held.set(nsg, before);
  }
  return held;
}

/** What a put sets: true for the NSGs of VMs that end live sessions; the recorded value back where a VM stops doing so. */
export function flushForPut(
  targets: readonly FlushTarget[],
  records: ReadonlyMap<string, PolicyRecord>,
  positions: ReadonlyMap<string, VmNetworkRead>,
  others: readonly PolicyRecord[],
): { wanted: Map<string, boolean> } {
  const wanted = new Map<string, boolean>();
  const held = heldByOthers(others);
  for (const target of targets) {
    const record = records.get(target.vmId.toLowerCase());
    const on = target.endLiveSessions ?? record?.endLiveSessions ?? false;
    const read = positions.get(target.vmId.toLowerCase());
    if (on && read !== undefined) for (const id of positionNsgIds(read)) wanted.set(armIdKey(id), true);
    if (!on && record?.endLiveSessions === true) {
      for (const [nsg, before] of Object.entries(record.flushPrevious)) if (!held.has(nsg) && !wanted.has(nsg)) wanted.set(nsg, before);
    }
  }
  return { wanted };
}

/** What a remove puts back: each NSG's recorded value, unless another policy still ends live sessions there. */
export function flushForRemove(records: ReadonlyMap<string, PolicyRecord>, others: readonly PolicyRecord[]): Map<string, boolean> {
  const held = heldByOthers(others);
  const wanted = new Map<string, boolean>();
  for (const record of records.values()) {
    if (!record.endLiveSessions) continue;
    for (const [nsg, before] of Object.entries(record.flushPrevious)) if (!held.has(nsg) && !wanted.has(nsg)) wanted.set(nsg, before);
  }
  return wanted;
}

/**
 * The record a saved policy keeps: for an NSG it flushes, the value from before (kept from an earlier save, else
 * another policy's record, else what the write found); nothing when it does not end live sessions.
 */
export function recordedPrevious(
  target: FlushTarget,
  record: PolicyRecord | undefined,
  read: VmNetworkRead,
  found: ReadonlyMap<string, boolean>,
  others: readonly PolicyRecord[],
): Record<string, boolean> | undefined {
  const on = target.endLiveSessions ?? record?.endLiveSessions ?? false;
  if (!on) return record?.endLiveSessions === true ? {} : undefined;
  const held = heldByOthers(others);
  const previous: Record<string, boolean> = {};
  for (const id of positionNsgIds(read)) {
    const key = armIdKey(id);
    const before = (record?.endLiveSessions === true ? record.flushPrevious[key] : undefined) ?? held.get(key) ?? found.get(key);
    if (before !== undefined) previous[key] = before;
  }
  return previous;
}
