/**
 * Exit codes of the `portcullis` command. Scripts branch on them, so they never change meaning:
 * an access request's outcome has its own code, distinct from usage mistakes and server errors.
 */
export const ExitCode = {
  ok: 0,
  /** The server or the network failed, or an answer could not be read. */
  error: 1,
  /** Bad command line (unknown option, missing argument, malformed duration...). */
  usage: 2,
  /** No login, or the session expired and cannot be renewed silently. */
  notSignedIn: 3,
  /** The server refused: the policy does not allow the request (400), or the caller lacks the permission (403). */
  refused: 4,
  /** An approver denied the request. */
  denied: 5,
  /** The request waited longer than the policy allows for approval. */
  lapsed: 6,
  /** The request was approved (or asked at once) but the ports could not be opened; or it was cancelled. */
  failed: 7,
  /** Not found: an unknown VM, grant or request id, or an ambiguous name. */
  notFound: 8,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the user can act on: one line, an exit code, never a stack trace. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode = ExitCode.error) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}
