import { describe, expect, it } from "vitest";
import { asExtendChoice, extendMinutesOf, type ExtendChoice } from "./extend-choice.ts";

describe("extendMinutesOf", () => {
  it.each<[ExtendChoice, string, number | null]>([
    ["30", "", 30],
    ["60", "999", 60],
    ["custom", " 45 ", 45],
    ["custom", "", null],
    ["custom", "0", null],
    ["custom", "1.5", null],
    ["custom", "1441", null],
    ["custom", "1440", 1440],
  ])("%s with %j adds %s", (choice, custom, minutes) => {
    expect(extendMinutesOf(choice, custom)).toBe(minutes);
  });

  it("reads an unknown radio value as the first choice", () => {
    expect(asExtendChoice("custom")).toBe("custom");
    expect(asExtendChoice("90")).toBe("30");
  });
});
