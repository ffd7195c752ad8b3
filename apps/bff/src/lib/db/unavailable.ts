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

/**
 * Failures after which the same transaction certainly did not commit, so running it again cannot apply it twice:
 * PostgreSQL gave it up for another's sake (serialization failure 40001, deadlock victim 40P01), or it never got
 * a connection (the pool's wait ran out, the server refused: too many connections 53300, starting 57P03, or nothing
 * listening). A connection lost mid-transaction (08006, 57P01, "Connection terminated") is not among them: it may
 * have been lost during COMMIT, after the work was applied.
 */
const neverAppliedStates = new Set(["40001", "40P01", "53300", "57P03", "08001", "08004"]);
const neverAppliedMessages = [/^timeout exceeded when trying to connect$/];
const neverAppliedErrnos = new Set(["ECONNREFUSED"]);

/** Whether running the same transaction again is safe and may succeed (see above). Looks through `cause` chains. */
export function isRetryableTransaction(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (neverAppliedStates.has(code) || neverAppliedErrnos.has(code))) return true;
    if (e instanceof Error && neverAppliedMessages.some((pattern) => pattern.test(e.message))) return true;
  }
  return false;
}
