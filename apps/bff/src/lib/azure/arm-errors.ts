import { isRestError } from "@azure/core-rest-pipeline";
import { AuthError } from "@azure/msal-node";
import { UpstreamUnavailableError } from "../errors.ts";
import { armErrorMessages } from "./clients.ts";

interface Described {
  /** Completes "Azure Resource Manager at <endpoint> ...". */
  phrase: string;
  status?: number;
  code?: string;
}

function describe(error: unknown): Described {
  if (error instanceof AuthError) {
    return { phrase: `cannot be called: getting a token failed (${error.errorCode}: ${error.errorMessage || error.message})` };
  }
  if (isRestError(error)) {
    const status = error.statusCode;
    const code = error.code;
    const info = { ...(status === undefined ? {} : { status }), ...(code === undefined ? {} : { code }) };
    // The SDK's pager replaces ARM's message with a generic one; the pipeline kept the original.
    const kept = error.request === undefined ? undefined : armErrorMessages.get(error.request);
    const message = kept ?? (/^Pagination failed with unexpected statusCode/.test(error.message) ? "" : error.message);
    const what = `HTTP ${String(status)}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`;
    if (status === undefined) return { phrase: `is unreachable: ${error.message || code || "no response"}`, ...info };
    if (status === 401 || status === 403) return { phrase: `refused the BFF's credential (${what})`, ...info };
    if (status === 429) return { phrase: `is throttling requests (${what})`, ...info };
    return { phrase: `failed (${what})`, ...info };
  }
  if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
    return { phrase: "is unreachable: it did not answer in time" };
  }
  return { phrase: `is unreachable: ${error instanceof Error ? error.message : String(error)}` };
}

/** Any failure talking to ARM becomes a 503 that says which endpoint and why. */
export function armUnavailable(error: unknown, endpoint: string): UpstreamUnavailableError {
  if (error instanceof UpstreamUnavailableError) return error;
  const { phrase, status, code } = describe(error);
  return new UpstreamUnavailableError(`Azure Resource Manager at ${endpoint} ${phrase}`, {
    cause: error,
    details: { upstream: "arm", endpoint, ...(status === undefined ? {} : { status }), ...(code === undefined ? {} : { code }) },
  });
}
