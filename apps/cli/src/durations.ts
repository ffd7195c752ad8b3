import { CliError, ExitCode } from "./errors.ts";

/** "90m", "1h", "1h30m", "2d", "45" (minutes) -> minutes; anything else is a usage error naming the flag. */
export function parseMinutes(text: string, flag: string): number {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(trimmed);
  if (trimmed === "" || match === null) throw new CliError(`${flag}: must be a duration such as 30m, 1h or 1h30m (got "${text}")`, ExitCode.usage);
  const [, d = "0", h = "0", m = "0"] = match;
  const minutes = Number(d) * 1440 + Number(h) * 60 + Number(m);
  if (minutes <= 0) throw new CliError(`${flag}: must be longer than 0 minutes (got "${text}")`, ExitCode.usage);
  return minutes;
}
