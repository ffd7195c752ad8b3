import { describeMinutes, formatEndTime, type TimeFormatOptions } from "../../../lib/format.ts";

/** "Open until 14:05" (with the date when it is not today). */
export function openUntilText(endsAt: string | Date, now: Date, options?: TimeFormatOptions): string {
  return `Open until ${formatEndTime(endsAt, now, options)}`;
}

/**
 * "Closes in 42 min", "Closes in 1 h 5 min"; minutes are rounded up, so the text says "1 min" until the
 * last minute starts, then "less than a minute". Past the end, the server is closing it.
 */
export function closesInText(endsAt: string | Date, now: Date): string {
  const remaining = new Date(endsAt).getTime() - now.getTime();
  if (Number.isNaN(remaining)) return "";
  if (remaining <= 0) return "Closing now";
  if (remaining < 60_000) return "Closes in less than a minute";
  return `Closes in ${describeMinutes(Math.ceil(remaining / 60_000))}`;
}
