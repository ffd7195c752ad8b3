import { describe, expect, it } from "vitest";
import { parseActivityFilter, searchQuery } from "./activity-filter.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";

describe("activity filters", () => {
  it("round-trips a cursor, and refuses anything this server did not write", () => {
    const cursor = { at: new Date("2026-03-01T10:11:12.345Z"), seq: "9007199254740993" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    for (const text of ["", "abc", Buffer.from("2026-13-01T10:11:12.345Z|1").toString("base64url"), Buffer.from("2026-03-01T10:11:12Z|1").toString("base64url"), Buffer.from("2026-03-01T10:11:12.345Z|-1").toString("base64url"), "a+b/c="]) {
      expect(decodeCursor(text), text).toBeUndefined();
    }
  });

  it.each([
    ["hotfix", "hotfix:*"],
    ["  Deploy   HOTFIX ", "deploy:* & hotfix:*"],
    ["INC-4711", "inc:* <-> 4711:*"],
    ["vm-web-0 vm-web-0", "vm:* <-> web:* <-> 0:*"],
    ["it's <script>", "it:* <-> s:* & script:*"],
    ["héllo wörld", "héllo:* & wörld:*"],
    ["!!! ???", undefined],
  ])("turns the free text %j into the tsquery %j", (text, query) => {
    expect(searchQuery(text)).toBe(query);
  });

  it("lower-cases ids and keeps only the filters given", () => {
    expect(parseActivityFilter({ vmId: "/Subscriptions/X/VM", userId: "ABC", pageSize: "20", q: "" })).toEqual({ vmId: "/subscriptions/x/vm", userId: "abc", pageSize: 20 });
    expect(parseActivityFilter({})).toEqual({ pageSize: 50 });
  });

  it("accepts equal ends of a time range and offsets, compared as instants", () => {
    const filter = parseActivityFilter({ from: "2026-01-01T12:00:00+02:00", to: "2026-01-01T10:00:00Z" });
    expect(filter.from?.toISOString()).toBe("2026-01-01T10:00:00.000Z");
    expect(() => parseActivityFilter({ from: "2026-01-01T12:00:01+02:00", to: "2026-01-01T10:00:00Z" })).toThrow(/^from: must not be after to/);
  });
});
