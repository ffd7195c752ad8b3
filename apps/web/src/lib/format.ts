const timestampFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** An ISO 8601 instant in the reader's locale and time zone; the raw text if it is not a date. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timestampFormat.format(date);
}

const countFormat = new Intl.NumberFormat();

export function formatCount(count: number): string {
  return countFormat.format(count);
}

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

/** "30 min", "1 h", "1 h 30 min": core's one wording, as the BFF's messages and notifications write it. */
export { describeMinutes } from "@portcullis/core";
