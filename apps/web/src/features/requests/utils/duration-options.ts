import { isoDurationMinutes, minRequestDurationMinutes, type PolicyPort } from "@portcullis/contract";

/** What a request asks for by default: an hour, or less when the policy allows less. */
export const preferredDurationMinutes = 60;

/** Whole minutes a policy port may be opened for at most; null when its duration does not parse. */
export function portMaxMinutes(port: Pick<PolicyPort, "maxRequestDuration">): number | null {
  const minutes = isoDurationMinutes(port.maxRequestDuration);
  return minutes === null ? null : Math.floor(minutes);
}

/**
 * The longest a request for these ports may last: the smallest max of the chosen ports, or of every
 * configured port before any is chosen (so the default fits whatever is chosen next).
 */
export function maxDurationMinutes(ports: ReadonlyArray<Pick<PolicyPort, "maxRequestDuration">>): number {
  const maxima = ports.map(portMaxMinutes).filter((minutes): minutes is number => minutes !== null);
  return maxima.length === 0 ? minRequestDurationMinutes : Math.min(...maxima);
}

export function defaultDurationMinutes(max: number): number {
  return Math.min(preferredDurationMinutes, max);
}

/**
 * The choices of the Time range select, up to `max` minutes: 30 min, then every whole hour, then `max`
 * itself when it is not on the list (a 90-minute policy offers 30 min, 1 h and 1 h 30 min).
 */
export function durationOptions(max: number): number[] {
  const options: number[] = [];
  if (max >= 30) options.push(30);
  for (let minutes = 60; minutes <= max; minutes += 60) options.push(minutes);
  if (!options.includes(max)) options.push(max);
  return options;
}
