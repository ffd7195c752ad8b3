import { maxCustomPriority, minCustomPriority } from "../nsg/default-rules.ts";
import type { Nsg, NsgRule } from "../nsg/types.ts";
import { diffRules } from "./diff.ts";
import { classifyRule, finalRule } from "./jit-rules.ts";
import type { AllowEntry, DenyEntry, ForeignEntry, LayoutEntry } from "./jit-rules.ts";
import { beyondCustomPriorities, PriorityLayout } from "./layout.ts";
import type { Slot } from "./layout.ts";
import { mayAdmit, mayDeny } from "./matching.ts";
import { parseJitRuleName } from "./rule-names.ts";
import type { NsgChange, PlanFailure } from "./types.ts";

/** Azure's limit on rules (both directions) in one NSG. */
export const maxRulesPerNsg = 1000;

export interface JitRuleSet {
  denies: DenyEntry[];
  allows: AllowEntry[];
}

export interface CurrentJitRules extends JitRuleSet {
  /** Rules with a Portcullis name but an unreadable description: left alone (as foreign rules) unless dropped. */
  damaged: ForeignEntry[];
}

export interface NextJitRules extends JitRuleSet {
  dropDamaged?: ForeignEntry[];
}

/** What an operation wants in one NSG, given the JIT rules there now. */
export type JitTransform = (current: CurrentJitRules) => NextJitRules | PlanFailure;

export type NsgPlanOutcome = { ok: true; change: NsgChange | null } | PlanFailure;

function failure(reason: PlanFailure["reason"], nsg: Nsg, message: string): PlanFailure {
  return { ok: false, reason, nsgId: nsg.id, message };
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function checkPriorities(nsg: Nsg, inbound: readonly NsgRule[]): PlanFailure | null {
  const seen = new Map<number, string>();
  for (const rule of inbound) {
    const { priority, name } = rule;
    if (!Number.isInteger(priority) || priority < minCustomPriority || priority > maxCustomPriority) {
      return failure("invalid-nsg", nsg, `NSG ${nsg.name}: rule ${name} has priority ${priority}, outside ${minCustomPriority}-${maxCustomPriority}`);
    }
    const other = seen.get(priority);
    if (other !== undefined) return failure("invalid-nsg", nsg, `NSG ${nsg.name}: rules ${other} and ${name} share inbound priority ${priority}`);
    seen.set(priority, name);
  }
  return null;
}

/** The rule an Allow must stay ahead of: its VM's first JIT Deny, or the first Deny that may refuse its flows. */
function boundsAllow(entry: LayoutEntry, allow: AllowEntry): boolean {
  if (entry.kind === "allow") return false;
  if (entry.kind === "deny" && entry.vmHash === allow.vmHash) return true;
  return mayDeny(entry.read, allow.scope);
}

/**
 * Allows are placed in this order (and undone in reverse): by the position of
 * the rule bounding them, then by name. Only Deny and foreign rules decide the
 * order, and placing Allows never reorders those, so the order reads the same
 * before and after the Allows are placed.
 */
function allowOrder(layout: PriorityLayout<LayoutEntry>, allows: readonly AllowEntry[]): AllowEntry[] {
  const others = layout.ordered().filter((slot) => slot.item.kind !== "allow");
  const key = new Map<AllowEntry, number>();
  for (const allow of allows) {
    const index = others.findIndex((slot) => boundsAllow(slot.item, allow));
    key.set(allow, index === -1 ? others.length : index);
  }
  return [...allows].sort((a, b) => (key.get(a) ?? 0) - (key.get(b) ?? 0) || byName(a, b));
}

/** Takes every JIT rule out, last placed first, leaving the other rules at their original priorities. */
function undoJitRules(layout: PriorityLayout<LayoutEntry>, slots: ReadonlyMap<LayoutEntry, Slot<LayoutEntry>>, current: JitRuleSet): void {
  for (const allow of allowOrder(layout, current.allows).reverse()) {
    const slot = slots.get(allow);
    if (slot !== undefined) layout.unplace(slot, allow.shift);
  }
  for (const deny of [...current.denies].sort(byName).reverse()) {
    const slot = slots.get(deny);
    if (slot !== undefined) layout.unplace(slot, deny.shift);
  }
}

function noRoom(nsg: Nsg, name: string): PlanFailure {
  return failure("no-room", nsg, `NSG ${nsg.name} has no free priority between ${minCustomPriority} and ${maxCustomPriority} for rule ${name}`);
}

/** Places Deny rules (by name) directly ahead of the first rule that may admit their ports, then Allows. */
function placeJitRules(nsg: Nsg, layout: PriorityLayout<LayoutEntry>, next: JitRuleSet, shifts: Map<LayoutEntry, number>): PlanFailure | null {
  for (const deny of [...next.denies].sort(byName)) {
    const anchor = layout.ordered().find((slot) => slot.item.kind === "foreign" && mayAdmit(slot.item.read, deny.scope));
    const placed = layout.placeBelow(deny, anchor?.priority ?? beyondCustomPriorities, "highest");
    if (placed === null) return noRoom(nsg, deny.name);
    shifts.set(deny, placed.shift);
  }
  for (const allow of allowOrder(layout, next.allows)) {
    const bound = layout.ordered().find((slot) => boundsAllow(slot.item, allow));
    const placed = layout.placeBelow(allow, bound?.priority ?? beyondCustomPriorities, "lowest");
    if (placed === null) return noRoom(nsg, allow.name);
    shifts.set(allow, placed.shift);
  }
  return null;
}

function assertUniqueNames(nsg: Nsg, next: JitRuleSet): PlanFailure | null {
  const names = new Set<string>();
  for (const entry of [...next.denies, ...next.allows]) {
    const key = entry.name.toLowerCase();
    if (names.has(key)) return failure("invalid-input", nsg, `NSG ${nsg.name}: two JIT rules would be named ${entry.name}`);
    names.add(key);
  }
  return null;
}

/**
 * Plans one NSG: undo every JIT rule (restoring the other rules' original
 * priorities), apply `transform` to the set of JIT rules, place them again.
 * The result depends only on the original rules and the JIT rule set, so
 * adding then removing a rule gives back exactly the NSG before.
 */
export function planNsg(nsg: Nsg, transform: JitTransform): NsgPlanOutcome {
  const inbound = nsg.rules.filter((rule) => rule.direction === "Inbound");
  const invalid = checkPriorities(nsg, inbound);
  if (invalid !== null) return invalid;

  const entries = inbound.map(classifyRule);
  const current: CurrentJitRules = { denies: [], allows: [], damaged: [] };
  for (const entry of entries) {
    if (entry.kind === "deny") current.denies.push(entry);
    else if (entry.kind === "allow") current.allows.push(entry);
    else if (parseJitRuleName(entry.name) !== null) current.damaged.push(entry);
  }
  const slots = new Map<LayoutEntry, Slot<LayoutEntry>>();
  const layout = new PriorityLayout<LayoutEntry>();
  inbound.forEach((rule, i) => {
    const entry = entries[i];
    if (entry !== undefined) slots.set(entry, layout.place(entry, rule.priority));
  });
  undoJitRules(layout, slots, current);

  const next = transform(current);
  if ("ok" in next) return next;
  const duplicate = assertUniqueNames(nsg, next);
  if (duplicate !== null) return duplicate;
  // An unreadable rule under a name Portcullis now wants is Portcullis's own, damaged: replace it.
  const wanted = new Set([...next.denies, ...next.allows].map((entry) => entry.name.toLowerCase()));
  const dropped = new Set<LayoutEntry>(next.dropDamaged ?? []);
  for (const slot of layout.ordered()) if (dropped.has(slot.item) || wanted.has(slot.item.name.toLowerCase())) layout.remove(slot);

  const shifts = new Map<LayoutEntry, number>();
  const placementFailure = placeJitRules(nsg, layout, next, shifts);
  if (placementFailure !== null) return placementFailure;

  const finalByName = new Map<string, NsgRule>();
  for (const slot of layout.ordered()) finalByName.set(slot.item.name, finalRule(slot.item, slot.priority, shifts.get(slot.item) ?? 0));
  const kept = nsg.rules.flatMap((rule) => {
    if (rule.direction !== "Inbound") return [rule];
    const after = finalByName.get(rule.name);
    return after === undefined ? [] : [after];
  });
  const existingNames = new Set(inbound.map((rule) => rule.name));
  const added = [...finalByName.values()].filter((rule) => !existingNames.has(rule.name));
  const rules = [...kept, ...added];
  if (rules.length > maxRulesPerNsg) {
    return failure(
      "no-room",
      nsg,
      `NSG ${nsg.name} would hold ${rules.length} rules; Azure allows at most ${maxRulesPerNsg} per NSG (it holds ${nsg.rules.length} now)`,
    );
  }
  const diff = diffRules(nsg.rules, rules);
  const changed = diff.added.length > 0 || diff.removed.length > 0 || diff.renumbered.length > 0 || diff.updated.length > 0;
  return { ok: true, change: changed ? { nsgId: nsg.id, nsgName: nsg.name, rules, diff } : null };
}
