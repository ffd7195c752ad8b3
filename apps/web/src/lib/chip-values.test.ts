import { describe, expect, it } from "vitest";
import { chipValues } from "./chip-values.ts";

describe("chipValues", () => {
  it("splits pasted lists at commas, semicolons and spaces, trimmed", () => {
    expect(chipValues(["ops@contoso.test, sec@contoso.test;  lead@contoso.test "])).toEqual(["ops@contoso.test", "sec@contoso.test", "lead@contoso.test"]);
  });

  it("drops empty entries and repeats, whatever their letter case", () => {
    expect(chipValues(["alice@contoso.test", " ", "ALICE@contoso.test", "bob"])).toEqual(["alice@contoso.test", "bob"]);
  });
});
