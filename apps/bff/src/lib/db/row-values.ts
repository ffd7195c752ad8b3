/** Reading column values the same way on PostgreSQL and PGlite. */

/** jsonb comes back parsed from PostgreSQL and PGlite alike; a string (older driver) is parsed here. */
export function jsonValue(value: unknown): unknown {
  return typeof value === "string" ? (JSON.parse(value) as unknown) : value;
}

/** A timestamptz as a Date, whichever form the driver returned. */
export function dateValue(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function optionalDateValue(value: Date | string | null): Date | null {
  return value === null ? null : dateValue(value);
}
