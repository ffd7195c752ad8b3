import { describe, expect, it } from "vitest";
import { activityQuery, filterProblems, filtersFromSearch, fromDateTimeLocal, hasFilters, timeRangeError, toDateTimeLocal, withFilters } from "./activity-filters.ts";

const vmId = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-app-prod/providers/Microsoft.Compute/virtualMachines/vm-prod-app-03";

describe("activity filters in the address bar", () => {
  it("reads what the JIT page's row menu opens: /activity?vmId=...", () => {
    const search = new URLSearchParams(`vmId=${encodeURIComponent(vmId)}`);
    expect(filtersFromSearch(search)).toEqual({ vmId });
    expect(hasFilters(filtersFromSearch(search))).toBe(true);
    expect(hasFilters(filtersFromSearch(new URLSearchParams()))).toBe(false);
  });

  it("drops values the API would refuse rather than showing a failing page", () => {
    const search = new URLSearchParams({ action: "request.teleported", outcome: "maybe", from: "yesterday", to: "2026-01-01T10:00:00.000Z", q: "  ", userId: "oid-1" });
    expect(filtersFromSearch(search)).toEqual({ to: "2026-01-01T10:00:00.000Z", userId: "oid-1" });
  });

  it("writes the filters back, keeping other parameters and dropping cleared ones", () => {
    const next = withFilters(new URLSearchParams("tab=x&vmId=old&q=old"), { action: "policy.enabled", outcome: "failure", q: "INC-4711" });
    expect(next.toString()).toBe("tab=x&action=policy.enabled&outcome=failure&q=INC-4711");
  });

  it("asks the API with the filters, the cursor and the page size", () => {
    expect(activityQuery({ vmId, userId: "oid-1" }, { cursor: "abc", pageSize: 50 })).toBe(`vmId=${encodeURIComponent(vmId)}&userId=oid-1&cursor=abc&pageSize=50`);
    expect(activityQuery({})).toBe("");
  });

  it("shows an instant in a datetime-local field and reads it back, the end of a range to the end of its minute", () => {
    const local = toDateTimeLocal("2026-03-01T10:11:12.345Z");
    expect(local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    // Whatever the reader's time zone, a round trip lands on the start (or end) of the same minute.
    expect(fromDateTimeLocal(local)).toBe("2026-03-01T10:11:00.000Z");
    expect(fromDateTimeLocal(local, true)).toBe("2026-03-01T10:11:59.999Z");
    expect(fromDateTimeLocal("")).toBeUndefined();
    expect(toDateTimeLocal("nonsense")).toBe("");
  });

  it.each([
    [{ from: "2026-01-02T00:00:00.000Z", to: "2026-01-01T00:00:00.000Z" }, { to: "Must be after From." }],
    [{ from: "2026-01-01T00:00:00.000Z", to: "2026-01-01T00:00:00.000Z" }, {}],
    [{ q: "!!!" }, { q: "must contain a letter or a digit" }],
    [{ q: "Zürich" }, {}],
  ])("checks %j as the API would: %j", (filters, expected) => {
    expect(filterProblems(filters)).toEqual(expected);
  });

  it("keeps a preset in the address and asks the API for the events since that long before now", () => {
    const filters = filtersFromSearch(new URLSearchParams("range=24h&from=2026-01-01T00:00:00.000Z&outcome=failure"));
    // A preset replaces a custom range: From and To are not both applied.
    expect(filters).toEqual({ range: "24h", outcome: "failure" });
    expect(withFilters(new URLSearchParams(), filters).toString()).toBe("range=24h&outcome=failure");
    const now = new Date("2026-03-02T10:00:00.000Z");
    expect(activityQuery(filters, {}, now)).toBe("from=2026-03-01T10%3A00%3A00.000Z&outcome=failure");
    expect(activityQuery({ range: "1h" }, {}, now)).toBe("from=2026-03-02T09%3A00%3A00.000Z");
    expect(activityQuery({ range: "30d" }, {}, now)).toBe("from=2026-01-31T10%3A00%3A00.000Z");
    expect(filtersFromSearch(new URLSearchParams("range=2y"))).toEqual({});
  });

  it("names an inverted range on the To field instead of asking the API", () => {
    expect(timeRangeError({ from: "2026-03-02T10:00:00.000Z", to: "2026-03-01T10:00:00.000Z" })).toBe("Must be after From.");
    expect(timeRangeError({ from: "2026-03-01T10:00:00.000Z", to: "2026-03-02T10:00:00.000Z" })).toBeUndefined();
    expect(timeRangeError({ from: "2026-03-01T10:00:00.000Z" })).toBeUndefined();
  });
});
