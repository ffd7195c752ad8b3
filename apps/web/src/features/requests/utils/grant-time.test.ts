import { describe, expect, it } from "vitest";
import { formatEndTime } from "../../../lib/format.ts";
import { closesInText, openUntilText } from "./grant-time.ts";

const utc = { locale: "en-GB", timeZone: "UTC" };
const now = new Date("2025-03-02T13:23:00Z");

describe("closesInText", () => {
  it.each([
    ["2025-03-02T14:05:00Z", "Closes in 42 min"],
    ["2025-03-02T14:04:30Z", "Closes in 42 min"],
    ["2025-03-02T14:28:00Z", "Closes in 1 h 5 min"],
    ["2025-03-02T15:23:00Z", "Closes in 2 h"],
    ["2025-03-02T13:24:00Z", "Closes in 1 min"],
    ["2025-03-02T13:23:59Z", "Closes in less than a minute"],
    ["2025-03-02T13:23:00Z", "Closing now"],
    ["2025-03-02T13:00:00Z", "Closing now"],
  ])("ending at %s reads %s", (endsAt, text) => {
    expect(closesInText(endsAt, now)).toBe(text);
  });
});

describe("openUntilText", () => {
  it("gives the time alone when the grant ends today", () => {
    expect(openUntilText("2025-03-02T14:05:00Z", now, utc)).toBe("Open until 14:05");
  });

  it("adds the date when it ends on another day", () => {
    expect(openUntilText("2025-03-03T01:30:00Z", now, utc)).toBe("Open until 3 Mar 2025, 01:30");
  });

  it("writes the time as the reader's locale does", () => {
    // ICU puts a narrow no-break space before PM in newer versions.
    expect(openUntilText("2025-03-02T14:05:00Z", now, { locale: "en-US", timeZone: "UTC" })).toMatch(/^Open until 2:05\sPM$/u);
  });

  it("judges 'today' in the reader's time zone", () => {
    // 23:30 UTC on the 2nd is already the 3rd in Tokyo, where it is 08:23 on the 3rd now.
    expect(formatEndTime("2025-03-02T23:30:00Z", new Date("2025-03-02T23:23:00Z"), { locale: "en-GB", timeZone: "Asia/Tokyo" })).toBe("08:30");
    expect(formatEndTime("2025-03-02T23:30:00Z", now, { locale: "en-GB", timeZone: "Asia/Tokyo" })).toBe("3 Mar 2025, 08:30");
  });
});
