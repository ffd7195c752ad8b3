import { describe, expect, it } from "vitest";
import { max, percentile, round } from "./stats.ts";

const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);

describe("percentile", () => {
  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
  ])("of 1..100 given in any order, p%d is %d (nearest rank)", (p, expected) => {
    expect(percentile(oneToHundred, p)).toBe(expected);
  });

  it("of three cold runs, p50 is the middle one", () => {
    expect(percentile([5.4, 3.9, 6.1], 50)).toBe(5.4);
  });

  it("refuses no samples and percentiles outside 0..100", () => {
    expect(() => percentile([], 50)).toThrow("no samples");
    expect(() => percentile([1], 101)).toThrow("outside");
    expect(() => max([])).toThrow("no samples");
  });
});

it("round keeps the given decimals", () => {
  expect(round(3.14159)).toBe(3.1);
  expect(round(5456.7 / 1000, 2)).toBe(5.46);
});
