import { isoDurationMinutes, maxRequestDurationMinutes, minRequestDurationMinutes } from "@portcullis/contract";
export { describeIsoDuration } from "../../../lib/policy-port-text.ts";
export { describeMinutes } from "../../../lib/format.ts";

/** Whole minutes of an ISO-8601 duration (`PT3H` -> 180); null when it is not a plain time duration. */
export function isoToMinutes(iso: string): number | null {
  const minutes = isoDurationMinutes(iso);
  return minutes === null || !Number.isInteger(minutes) ? null : minutes;
}

/** The shortest ISO-8601 spelling of whole minutes, in hours and minutes only (`PT24H`, never `P1D`, which Defender does not write). */
export function minutesToIso(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (minutes === 0) return "PT0M";
  return `PT${hours > 0 ? `${hours}H` : ""}${rest > 0 ? `${rest}M` : ""}`;
}

/** The common choices of the "Max request time" select, as ISO durations. */
export const durationPresets: readonly string[] = ["PT5M", "PT15M", "PT30M", "PT1H", "PT2H", "PT3H", "PT4H", "PT8H", "PT12H", "PT24H"];

/** Why a number of minutes is not an allowed maximum request time; undefined when it is. */
export function durationProblem(minutes: number): string | undefined {
  if (!Number.isInteger(minutes)) return "must be a whole number of minutes";
  if (minutes < minRequestDurationMinutes || minutes > maxRequestDurationMinutes) return "must be between 5 minutes and 24 hours";
  return undefined;
}
