import { describe, expect, it } from "vitest";
import { extendGrant } from "./extend-grant.ts";
import type { ExtendGrantInput } from "./extend-grant.ts";

const at = (time: string) => new Date(`2026-03-01T${time}Z`);
const grant = { startsAt: at("12:05:00"), endsAt: at("13:05:00") };

type Change = { newEndsAt: Date } | { addMinutes: number };
interface Case {
  when: string;
  change: Change;
  now?: Date;
  max?: number;
  grant?: ExtendGrantInput["grant"];
}

function extend(c: Case) {
  const base = { grant: c.grant ?? grant, policyMaxMinutes: c.max ?? 180, now: c.now ?? at("12:50:00") };
  return extendGrant({ ...base, ...c.change } as ExtendGrantInput);
}

describe("extendGrant", () => {
  it.each<Case & { endsAt: string }>([
    { when: "30 minutes are added", change: { addMinutes: 30 }, endsAt: "2026-03-01T13:35:00.000Z" },
    { when: "it is moved to the policy's max after the start", change: { newEndsAt: at("15:05:00") }, endsAt: "2026-03-01T15:05:00.000Z" },
    { when: "the minutes added reach the max exactly", change: { addMinutes: 120 }, endsAt: "2026-03-01T15:05:00.000Z" },
    { when: "the new end has milliseconds (cut to the second)", change: { newEndsAt: at("14:00:00.999") }, endsAt: "2026-03-01T14:00:00.000Z" },
    { when: "it is a second before its end", now: at("13:04:59"), change: { addMinutes: 5 }, endsAt: "2026-03-01T13:10:00.000Z" },
  ])("ends later when $when", (c) => {
    const result = extend(c);
    if (!result.ok) expect.fail(JSON.stringify(result.problems));
    expect(result.endsAt.toISOString()).toBe(c.endsAt);
  });

  it.each<Case & { field: string; rule: string }>([
    { when: "the new end is past the max from the original start", change: { newEndsAt: at("15:06:00") }, field: "newEndsAt", rule: "must end by 15:05 UTC, 3 h after the grant started" },
    { when: "the minutes added pass the max", change: { addMinutes: 121 }, field: "addMinutes", rule: "must be at most 120 minutes (the grant must end by 15:05 UTC, 3 h after the grant started)" },
    {
      when: "the max is not a whole minute from the current end",
      grant: { startsAt: at("12:05:30"), endsAt: at("13:05:00") },
      max: 90,
      change: { addMinutes: 31 },
      field: "addMinutes",
      rule: "must be at most 30 minutes (the grant must end by 13:35:30 UTC, 1 h 30 min after the grant started)",
    },
    {
      when: "less than a minute is left before the max",
      grant: { startsAt: at("12:05:30"), endsAt: at("15:05:00") },
      now: at("15:00:00"),
      change: { addMinutes: 1 },
      field: "addMinutes",
      rule: "no whole minute fits (the grant must end by 15:05:30 UTC, 3 h after the grant started)",
    },
    {
      when: "the max ends on the next UTC day",
      grant: { startsAt: at("22:00:00"), endsAt: at("23:00:00") },
      now: at("22:30:00"),
      max: 1440,
      change: { newEndsAt: new Date("2026-03-02T23:00:00Z") },
      field: "newEndsAt",
      rule: "must end by 2026-03-02 22:00 UTC, 24 h after the grant started",
    },
    { when: "the grant already runs to its max", grant: { startsAt: at("12:05:00"), endsAt: at("15:05:00") }, change: { addMinutes: 5 }, field: "grant", rule: "already ends at the latest time its policy allows (15:05 UTC, 3 h after the grant started)" },
    { when: "the policy's max was lowered below the current end", max: 45, change: { addMinutes: 5 }, field: "grant", rule: "already ends at the latest time its policy allows (12:50 UTC, 45 min after the grant started)" },
    { when: "the grant has ended", now: at("13:05:00"), change: { addMinutes: 30 }, field: "grant", rule: "has already ended; request access again instead" },
    { when: "the new end is the current end", change: { newEndsAt: at("13:05:00") }, field: "newEndsAt", rule: "must be later than the current end (13:05 UTC)" },
    { when: "the new end is earlier", change: { newEndsAt: at("12:55:00") }, field: "newEndsAt", rule: "must be later than the current end (13:05 UTC)" },
    { when: "the new end is not a date", change: { newEndsAt: new Date("nonsense") }, field: "newEndsAt", rule: "must be a valid date and time" },
    { when: "no minute is added", change: { addMinutes: 0 }, field: "addMinutes", rule: "must be a whole number of minutes, at least 1" },
    { when: "part of a minute is added", change: { addMinutes: 1.5 }, field: "addMinutes", rule: "must be a whole number of minutes, at least 1" },
  ])("refuses when $when", (c) => {
    expect(extend(c)).toEqual({ ok: false, problems: [{ field: c.field, rule: c.rule }] });
  });
});
