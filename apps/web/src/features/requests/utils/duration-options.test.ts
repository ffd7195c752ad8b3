import { describe, expect, it } from "vitest";
import { describeMinutes } from "../../../lib/format.ts";
import { defaultDurationMinutes, durationOptions, maxDurationMinutes } from "./duration-options.ts";

describe("durationOptions", () => {
  it.each([
    [180, [30, 60, 120, 180]],
    [60, [30, 60]],
    [90, [30, 60, 90]],
    [45, [30, 45]],
    [15, [15]],
    [5, [5]],
    [24 * 60, [30, ...Array.from({ length: 24 }, (_v, i) => (i + 1) * 60)]],
  ])("a max of %i minutes offers %j", (max, options) => {
    expect(durationOptions(max)).toEqual(options);
  });

  it("never offers more than the max", () => {
    for (let max = 5; max <= 24 * 60; max += 7) {
      const options = durationOptions(max);
      expect(Math.max(...options)).toBe(max);
      expect(options).toEqual([...options].sort((a, b) => a - b));
    }
  });
});

describe("maxDurationMinutes", () => {
  it("is the smallest max of the given ports", () => {
    expect(maxDurationMinutes([{ maxRequestDuration: "PT3H" }, { maxRequestDuration: "PT1H30M" }, { maxRequestDuration: "PT24H" }])).toBe(90);
  });

  it("ignores a duration that does not parse", () => {
    expect(maxDurationMinutes([{ maxRequestDuration: "three hours" }, { maxRequestDuration: "PT2H" }])).toBe(120);
  });
});

describe("defaultDurationMinutes", () => {
  it.each([
    [180, 60],
    [60, 60],
    [30, 30],
    [5, 5],
  ])("with a max of %i minutes is %i", (max, expected) => {
    expect(defaultDurationMinutes(max)).toBe(expected);
  });
});

describe("describeMinutes", () => {
  it.each([
    [30, "30 min"],
    [60, "1 h"],
    [90, "1 h 30 min"],
    [1440, "24 h"],
  ])("%i minutes reads %s", (minutes, text) => {
    expect(describeMinutes(minutes)).toBe(text);
  });
});
