import { describe, expect, it } from "vitest";
import { cursorParam, decodeKeysetCursor, encodeKeysetCursor, pageOf } from "./keyset-paging.ts";

const at = new Date("2030-07-01T11:59:58.123Z");
const id = "0b0e5a51-2f4c-4c59-9a8f-3e1d2c3b4a59";
const raw = (text: string) => Buffer.from(text, "utf8").toString("base64url");

describe("keyset cursors", () => {
  it("a cursor reads back as the position it was made from, for its own list only", () => {
    const cursor = encodeKeysetCursor("grants", { createdAt: at, id });
    expect(decodeKeysetCursor("grants", cursor)).toEqual({ createdAt: at, id });
    expect(decodeKeysetCursor("access-requests", cursor)).toBeUndefined();
  });

  it.each([
    ["not base64url", "a+b/c="],
    ["no list", raw(`${at.toISOString()}|${id}`)],
    ["a time without milliseconds", raw(`grants|2030-07-01T11:59:58Z|${id}`)],
    ["an impossible date", raw(`grants|2030-02-31T11:59:58.123Z|${id}`)],
    ["an id that is not a UUID", raw(`grants|${at.toISOString()}|1; drop table jit_grant`)],
    ["an extra field", raw(`grants|${at.toISOString()}|${id}|x`)],
  ])("refuses %s", (_case, text) => {
    expect(decodeKeysetCursor("grants", text)).toBeUndefined();
    expect(() => cursorParam("grants", text)).toThrow("cursor: is not a cursor from a previous page (use nextCursor as it was sent)");
  });

  it("an absent or empty cursor parameter means the first page", () => {
    expect(cursorParam("grants", undefined)).toBeUndefined();
    expect(cursorParam("grants", "")).toBeUndefined();
  });

  it("a page of pageSize + 1 rows shows pageSize and points after its last; fewer rows end the list", () => {
    const rows = [3, 2, 1].map((n) => ({ id: `0b0e5a51-2f4c-4c59-9a8f-3e1d2c3b4a5${n}`, created_at: new Date(at.getTime() - n) }));
    const page = pageOf("grants", rows, 2);
    expect(page.rows).toEqual(rows.slice(0, 2));
    expect(decodeKeysetCursor("grants", page.nextCursor ?? "")).toEqual({ createdAt: rows[1]?.created_at, id: rows[1]?.id });
    expect(pageOf("grants", rows, 3)).toEqual({ rows, nextCursor: null });
  });
});
