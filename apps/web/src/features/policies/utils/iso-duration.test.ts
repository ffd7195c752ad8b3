import { describe, expect, it } from "vitest";
import { describeIsoDuration, describeMinutes, durationPresets, durationProblem, isoToMinutes, minutesToIso } from "./iso-duration.ts";

describe("ISO-8601 durations", () => {
  it.each([
    ["PT3H", 180],
    ["PT90M", 90],
    ["PT1H30M", 90],
    ["PT5M", 5],
    ["PT24H", 1440],
    ["P1D", 1440],
  ])("%s is %i minutes", (iso, minutes) => {
    expect(isoToMinutes(iso)).toBe(minutes);
  });

  it.each(["3h", "", "P1M", "PT30S", "-PT3H", "PT"])("%j is not a whole-minute duration", (iso) => {
    expect(isoToMinutes(iso)).toBeNull();
  });

  it.each([
    [5, "PT5M"],
    [60, "PT1H"],
    [90, "PT1H30M"],
    [180, "PT3H"],
    [1440, "PT24H"],
  ])("%i minutes are written %s, in hours and minutes only", (minutes, iso) => {
    expect(minutesToIso(minutes)).toBe(iso);
    expect(isoToMinutes(minutesToIso(minutes))).toBe(minutes);
  });

  it.each([
    [45, "45 min"],
    [180, "3 h"],
    [150, "2 h 30 min"],
  ])("%i minutes read as %s", (minutes, words) => {
    expect(describeMinutes(minutes)).toBe(words);
  });

  it("shows text that is not a duration as it is", () => {
    expect(describeIsoDuration("PT3H")).toBe("3 h");
    expect(describeIsoDuration("soon")).toBe("soon");
  });

  it("offers only presets the server accepts, from 5 minutes to 24 hours, the default among them", () => {
    for (const iso of durationPresets) expect(durationProblem(isoToMinutes(iso) ?? 0)).toBeUndefined();
    expect(durationPresets).toContain("PT3H");
  });

  it.each([
    [4, "must be between 5 minutes and 24 hours"],
    [1441, "must be between 5 minutes and 24 hours"],
    [7.5, "must be a whole number of minutes"],
  ])("%f minutes are refused: %s", (minutes, problem) => {
    expect(durationProblem(minutes)).toBe(problem);
  });
});
