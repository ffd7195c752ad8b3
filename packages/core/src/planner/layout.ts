import { maxCustomPriority, minCustomPriority } from "../nsg/default-rules.ts";

/** Stands for "ahead of Azure's default rules": one past the highest custom priority. */
export const beyondCustomPriorities = maxCustomPriority + 1;

/** A rule in an inbound layout; `priority` is where it sits now (the rule's own field is ignored). */
export interface Slot<T> {
  item: T;
  priority: number;
}

/**
 * The inbound priorities of one NSG during planning. Every change keeps the
 * relative order of what is already there: a new rule goes into a free
 * number, or takes the number of the rule where it must go while that rule
 * and the contiguous block behind it move up by one.
 */
export class PriorityLayout<T> {
  readonly #slots = new Map<number, Slot<T>>();

  constructor(slots: Iterable<Slot<T>> = []) {
    for (const slot of slots) this.#put(slot);
  }

  #put(slot: Slot<T>): void {
    if (this.#slots.has(slot.priority)) throw new RangeError(`Priority ${slot.priority} is taken twice`);
    this.#slots.set(slot.priority, slot);
  }

  get size(): number {
    return this.#slots.size;
  }

  /** Slots in evaluation order (lowest number first). */
  ordered(): Slot<T>[] {
    return [...this.#slots.values()].sort((a, b) => a.priority - b.priority);
  }

  /** The highest free number below `limit`, or null. */
  highestFreeBelow(limit: number): number | null {
    for (let p = Math.min(limit, beyondCustomPriorities) - 1; p >= minCustomPriority; p--) if (!this.#slots.has(p)) return p;
    return null;
  }

  /** The lowest free number below `limit`, or null. */
  lowestFreeBelow(limit: number): number | null {
    const top = Math.min(limit, beyondCustomPriorities);
    for (let p = minCustomPriority; p < top; p++) if (!this.#slots.has(p)) return p;
    return null;
  }

  place(item: T, priority: number): Slot<T> {
    const slot = { item, priority };
    this.#put(slot);
    return slot;
  }

  /**
   * Frees `at` by moving the contiguous block that starts there up by one
   * (into the first free number above it). Returns how many rules moved, or
   * null when no number above is free.
   */
  shiftUpFrom(at: number): number | null {
    let end = at;
    while (this.#slots.has(end)) end++;
    if (end > maxCustomPriority) return null;
    for (let p = end - 1; p >= at; p--) {
      const slot = this.#slots.get(p);
      if (slot === undefined) continue;
      this.#slots.delete(p);
      slot.priority = p + 1;
      this.#slots.set(p + 1, slot);
    }
    return end - at;
  }

  /**
   * Places `item` below `limit`: at the free number `pick` chooses, else at
   * `limit` itself after shifting the block there up. Returns the shift
   * (0 when a free number was used), or null when there is no room.
   */
  placeBelow(item: T, limit: number, prefer: "highest" | "lowest"): { slot: Slot<T>; shift: number } | null {
    const free = prefer === "highest" ? this.highestFreeBelow(limit) : this.lowestFreeBelow(limit);
    if (free !== null) return { slot: this.place(item, free), shift: 0 };
    if (limit > maxCustomPriority) return null;
    const shift = this.shiftUpFrom(limit);
    if (shift === null) return null;
    return { slot: this.place(item, limit), shift };
  }

  /** Reverses a placement: removes the slot and moves the next `shift` rules down by one. */
  unplace(slot: Slot<T>, shift: number): void {
    if (this.#slots.get(slot.priority) !== slot) throw new RangeError("Slot is not in this layout");
    this.#slots.delete(slot.priority);
    if (shift <= 0) return;
    const after = this.ordered().filter((other) => other.priority > slot.priority).slice(0, shift);
    for (const other of after) {
      this.#slots.delete(other.priority);
      other.priority -= 1;
      this.#slots.set(other.priority, other);
    }
  }

  remove(slot: Slot<T>): void {
    if (this.#slots.get(slot.priority) === slot) this.#slots.delete(slot.priority);
  }
}
