import { describe, expect, it } from "vitest";
import { backoffDelay, jittered } from "./backoff.ts";
import { forEachPooled } from "./pool.ts";

describe("backoffDelay", () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 30_000],
    [0, 1_000],
  ])("doubles from the base on each retry and stops at the cap: retry %i waits %i ms", (attempt, expected) => {
    expect(backoffDelay(attempt, { baseMs: 1_000, maxMs: 30_000 })).toBe(expected);
  });

  it.each([
    [0, 800],
    [0.5, 1_000],
    [0.999, 1_200],
  ])("with a 20%% jitter spreads the delay from 80%% to 120%%: random %f gives %i ms", (random, expected) => {
    expect(backoffDelay(1, { baseMs: 1_000, maxMs: 30_000, jitter: 0.2, random: () => random })).toBe(expected);
    expect(jittered(1_000, 0.2, () => random)).toBe(expected);
  });
});

describe("forEachPooled", () => {
  it("runs every item, never more than the limit at once, starting them in list order", async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await forEachPooled([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      started.push(item);
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5 * (item % 3)));
      running -= 1;
    });
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it("starts nothing more once stop() says so, and rejects with the first error", async () => {
    const started: number[] = [];
    await forEachPooled([1, 2, 3, 4], 1, async (item) => void started.push(item), () => started.length >= 2);
    expect(started).toEqual([1, 2]);
    await expect(forEachPooled([1, 2], 2, async (item) => { if (item === 2) throw new Error("item 2 failed"); })).rejects.toThrow("item 2 failed");
  });
});
