import type { RequestProblem } from "./types.ts";
import { describeMinutes, formatClock } from "./time-text.ts";

interface ExtendGrantBase {
  grant: { startsAt: Date; endsAt: Date };
  /** The smallest max request time of the grant's ports, from the policy in force now. */
  policyMaxMinutes: number;
  /** The server's clock, injected. */
  now: Date;
}

/** Either the new end itself, or whole minutes to add to the current end. */
export type ExtendGrantInput = ExtendGrantBase & ({ newEndsAt: Date; addMinutes?: never } | { addMinutes: number; newEndsAt?: never });

export type ExtendGrantResult = { ok: true; endsAt: Date } | { ok: false; problems: RequestProblem[] };

/** The latest a grant may end: its max request time after it started (extensions never restart the clock). */
export function latestGrantEnd(startsAt: Date, policyMaxMinutes: number): Date {
  return new Date(startsAt.getTime() + policyMaxMinutes * 60_000);
}

function wholeSecond(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

function fail(field: string, rule: string): ExtendGrantResult {
  return { ok: false, problems: [{ field, rule }] };
}

/**
 * Moves an open grant's end later. The new end (cut to the whole second) must
 * be after the current one and no later than the policy's max measured from
 * the grant's ORIGINAL start, so repeated extensions cannot stretch access
 * beyond what one request could get. An ended grant cannot be extended.
 */
export function extendGrant(input: ExtendGrantInput): ExtendGrantResult {
  const { grant, policyMaxMinutes, now } = input;
  if (Number.isNaN(now.getTime())) throw new RangeError("extendGrant needs a valid `now`");
  if (grant.endsAt.getTime() <= now.getTime()) return fail("grant", "has already ended; request access again instead");
  const latest = latestGrantEnd(grant.startsAt, policyMaxMinutes);
  const allowance = `${describeMinutes(policyMaxMinutes)} after the grant started`;
  if (latest.getTime() <= grant.endsAt.getTime()) {
    return fail("grant", `already ends at the latest time its policy allows (${formatClock(latest, now)}, ${allowance})`);
  }
  if (input.newEndsAt === undefined) {
    const { addMinutes } = input;
    if (!Number.isInteger(addMinutes) || addMinutes < 1) return fail("addMinutes", "must be a whole number of minutes, at least 1");
    const endsAt = new Date(grant.endsAt.getTime() + addMinutes * 60_000);
    if (endsAt.getTime() > latest.getTime()) {
      const most = Math.floor((latest.getTime() - grant.endsAt.getTime()) / 60_000);
      const limit = `the grant must end by ${formatClock(latest, now)}, ${allowance}`;
      return fail("addMinutes", most >= 1 ? `must be at most ${most} minute${most === 1 ? "" : "s"} (${limit})` : `no whole minute fits (${limit})`);
    }
    return { ok: true, endsAt };
  }
  if (Number.isNaN(input.newEndsAt.getTime())) return fail("newEndsAt", "must be a valid date and time");
  const endsAt = wholeSecond(input.newEndsAt);
  if (endsAt.getTime() <= grant.endsAt.getTime()) return fail("newEndsAt", `must be later than the current end (${formatClock(grant.endsAt, now)})`);
  if (endsAt.getTime() > latest.getTime()) return fail("newEndsAt", `must end by ${formatClock(latest, now)}, ${allowance}`);
  return { ok: true, endsAt };
}
