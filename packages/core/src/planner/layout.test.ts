import { describe, expect, it } from "vitest";
import { PriorityLayout } from "./layout.ts";

function layoutWith(priorities: number[]): PriorityLayout<string> {
  return new PriorityLayout(priorities.map((priority) => ({ item: `r${priority}`, priority })));
}

const shape = (layout: PriorityLayout<string>) => layout.ordered().map((slot) => `${slot.item}@${slot.priority}`);

describe("PriorityLayout", () => {
  it.each([
    ["highest", [100, 299], 300, "new@298", 0],
    ["lowest", [100, 101], 300, "new@102", 0],
    ["highest", [100, 101, 102], 101, "new@101", 2],
    ["lowest", [100, 101, 102, 104], 100, "new@100", 3],
  ] as const)("prefers the %s free number below the limit, else shifts the block at the limit (%j below %i)", (prefer, taken, limit, placedAt, shift) => {
    const layout = layoutWith([...taken]);
    const placed = layout.placeBelow("new", limit, prefer);
    expect(placed?.shift).toBe(shift);
    expect(shape(layout)).toContain(placedAt);
  });

  it("moves only the contiguous block, keeping its order, and unplacing restores every number", () => {
    const layout = layoutWith([100, 101, 102, 104, 200]);
    const placed = layout.placeBelow("new", 100, "highest");
    expect(shape(layout)).toEqual(["new@100", "r100@101", "r101@102", "r102@103", "r104@104", "r200@200"]);
    if (placed === null) throw new Error("no room");
    layout.unplace(placed.slot, placed.shift);
    expect(shape(layout)).toEqual(["r100@100", "r101@101", "r102@102", "r104@104", "r200@200"]);
  });

  it("has no room when every number from 100 to 4096 is taken", () => {
    const layout = layoutWith(Array.from({ length: 3997 }, (_, i) => 100 + i));
    expect(layout.placeBelow("new", 4097, "highest")).toBeNull();
    expect(layout.placeBelow("new", 2000, "lowest")).toBeNull();
  });

  it("cannot shift past 4096", () => {
    const layout = layoutWith([100, ...Array.from({ length: 10 }, (_, i) => 4087 + i)]);
    expect(layout.placeBelow("new", 4090, "lowest")).toEqual({ slot: { item: "new", priority: 101 }, shift: 0 });
    const crowded = layoutWith(Array.from({ length: 3997 - 1 }, (_, i) => 101 + i));
    expect(crowded.placeBelow("new", 101, "lowest")?.slot.priority).toBe(100);
    expect(crowded.placeBelow("again", 300, "lowest")).toBeNull();
  });
});
