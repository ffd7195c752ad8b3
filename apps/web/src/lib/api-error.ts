/**
 * Codes the client itself produces when there is no usable ErrorBody from the BFF.
 * Server codes come from the contract's `ErrorCode`; these never collide with them.
 */
export const clientErrorCode = {
  network: "NetworkError",
  unexpectedResponse: "UnexpectedResponse",
  /** No access token could be had for the call (the sign-in layer failed, not the API). */
  signIn: "SignInFailed",
} as const;

type ApiErrorInit = {
  status: number;
  code: string;
  message: string;
  details?: unknown;
};

/**
 * The one error type the web app sees from the API. `status` is the HTTP status,
 * or 0 when no HTTP answer arrived at all (BFF down, network cut).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
  }
}

/** True when repeating the same request may succeed (no answer, or a server-side failure). */
export function isTransientApiError(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500);
}

/** A message fit for an Alert, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message !== "") return error.message;
  if (typeof error === "string" && error !== "") return error;
  return "An unexpected error occurred.";
}
