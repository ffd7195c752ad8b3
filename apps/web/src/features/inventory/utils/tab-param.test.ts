import { describe, expect, it } from "vitest";
import { inventoryTabs } from "@portcullis/contract";
import { parseTab, withTab } from "./tab-param.ts";

describe("tab in the URL", () => {
  it.each([
    ["?tab=configured", "configured"],
    ["?tab=recommended", "recommended"],
    ["?tab=none", "none"],
  ])("%s selects %s", (search, tab) => {
    expect(parseTab(new URLSearchParams(search))).toBe(tab);
  });

  it.each([
    ["no tab parameter", ""],
    ["an unknown tab", "?tab=unsupported"],
    ["a tab in the wrong case", "?tab=Recommended"],
    ["an empty tab", "?tab="],
  ])("when the URL has %s, then Configured is selected", (_case, search) => {
    expect(parseTab(new URLSearchParams(search))).toBe("configured");
  });

  it.each(inventoryTabs)("selecting %s round-trips through the URL", (tab) => {
    expect(parseTab(withTab(new URLSearchParams(), tab))).toBe(tab);
  });

  it("keeps other parameters and leaves the original untouched", () => {
    const original = new URLSearchParams("?tab=none&debug=1");
    const next = withTab(original, "recommended");
    expect(next.toString()).toBe("tab=recommended&debug=1");
    expect(original.get("tab")).toBe("none");
  });
});
