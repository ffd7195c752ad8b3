import { UpstreamUnavailableError } from "../errors.ts";

/**
 * PostgreSQL's SQLSTATEs for "not now": too many connections, shutting down or starting, and lost connections
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html, classes 08 and 57P, and 53300).
 */
const unavailableStates = new Set(["53300", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"]);

/** node-postgres's own words when no connection could be had or one was lost. */
const unavailableMessages = [/^timeout exceeded when trying to connect$/, /^Connection terminated/];

function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === "string" && unavailableStates.has(code)) || unavailableMessages.some((pattern) => pattern.test(error.message));
}

/**
 * The database could not be reached or had no connection to give (the pool was exhausted under a burst, the server
 * refused more connections, restarted, or dropped one): a 503 with Retry-After naming the database, rather than a
 * 500. Looks through `cause` chains. Null for anything else.
 */
export function databaseUnavailable(error: unknown): UpstreamUnavailableError | null {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isUnavailable(e)) {
      return new UpstreamUnavailableError(`The database is busy or unreachable (${(e as Error).message}); try again`, {
        details: { upstream: "database" },
        cause: error,
      });
    }
  }
  return null;
}

/** PostgreSQL's SQLSTATEs for a transaction it gave up so that another could go on: run it again (class 40). */
const retryableStates = new Set(["40001", "40P01"]);

/**
 * Whether running the same transaction again may succeed: the database was unavailable (see above), or it chose this
 * transaction as a deadlock's or a serialization conflict's victim. Looks through `cause` chains.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  if (databaseUnavailable(error) !== null) return true;
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && retryableStates.has(code)) return true;
  }
  return false;
}
