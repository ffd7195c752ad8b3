import { describeMinutes } from "./duration-options.ts";

/** Locale and time zone of the reader by default; tests pin them. */
export type TimeFormatOptions = { locale?: string; timeZone?: string };

function sameDay(a: Date, b: Date, timeZone: string | undefined): boolean {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return day.format(a) === day.format(b);
}

/** "14:05" (or "2:05 PM", as the reader's locale writes times) today, with the date on another day. */
export function formatEndTime(endsAt: string | Date, now: Date, options: TimeFormatOptions = {}): string {
  const end = new Date(endsAt);
  if (Number.isNaN(end.getTime())) return String(endsAt);
  const { locale, timeZone } = options;
  const time = new Intl.DateTimeFormat(locale, { timeZone, timeStyle: "short" });
  if (sameDay(end, now, timeZone)) return time.format(end);
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(end);
}

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
