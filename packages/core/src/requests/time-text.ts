/**
 * A length of time in the one wording every screen, message and notification uses: "45 min", "3 h",
 * "1 h 30 min" (90 minutes is written this way everywhere).
 */
export function describeMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/**
 * A time for a message, in UTC (the core knows no user's time zone):
 * `15:05 UTC`, `15:05:30 UTC` when the seconds matter, and with the date
 * (`2025-03-02 15:05 UTC`) when it is not on `today`'s UTC date.
 */
export function formatClock(at: Date, today: Date): string {
  const iso = at.toISOString();
  const date = iso.slice(0, 10);
  const clock = at.getUTCSeconds() === 0 ? iso.slice(11, 16) : iso.slice(11, 19);
  return date === today.toISOString().slice(0, 10) ? `${clock} UTC` : `${date} ${clock} UTC`;
}
