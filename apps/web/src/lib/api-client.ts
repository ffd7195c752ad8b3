import { ErrorBodySchema } from "@portcullis/contract";
import { ApiError, clientErrorCode } from "./api-error.ts";

/** The part of `fetch` the client uses; injected so tests can answer without a server. */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

type SchemaIssue = { readonly path: ReadonlyArray<PropertyKey>; readonly message: string };

/** Anything with zod's `safeParse`; the contract's schemas fit. */
export type ResponseSchema<T> = {
  safeParse(data: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<SchemaIssue> } };
};

export type RequestOptions = { signal?: AbortSignal };

export type ApiClient = {
  get<T>(path: string, schema: ResponseSchema<T>, options?: RequestOptions): Promise<T>;
  post<T>(path: string, body: unknown, schema: ResponseSchema<T>, options?: RequestOptions): Promise<T>;
};

export type ApiClientConfig = {
  fetch: FetchFn;
  /** Prefix of every path; same-origin `/api` in the browser (Vite proxies it in development). */
  baseUrl?: string;
};

const notJson = Symbol("not JSON");

function parseJson(text: string): unknown {
  if (text.trim() === "") return notJson;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return notJson;
  }
}

function reasonOf(cause: unknown): string {
  if (cause instanceof Error && cause.message !== "") return cause.message;
  return String(cause);
}

function describeStatus(response: Response): string {
  return response.statusText ? `HTTP ${response.status} ${response.statusText}` : `HTTP ${response.status}`;
}

function summarizeIssues(issues: ReadonlyArray<SchemaIssue>): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "(body)";
    return `${where}: ${issue.message}`;
  });
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : "";
  return shown.join("; ") + more;
}

function errorFromFailedResponse(response: Response, body: unknown, what: string): ApiError {
  const parsed = ErrorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError({ status: response.status, code, message, details });
  }
  // A proxy or gateway answered instead of the BFF (HTML error page, empty body).
  const hint =
    response.status >= 500
      ? " The Portcullis API may be down or restarting; try again in a moment."
      : "";
  return new ApiError({
    status: response.status,
    code: clientErrorCode.unexpectedResponse,
    message: `The server answered ${what} with ${describeStatus(response)} and no error details.${hint}`,
  });
}

export function createApiClient(config: ApiClientConfig): ApiClient {
  const baseUrl = config.baseUrl ?? "/api";

  async function request<T>(
    method: "GET" | "POST",
    path: string,
    schema: ResponseSchema<T>,
    body: unknown,
    options: RequestOptions | undefined,
  ): Promise<T> {
    const url = `${baseUrl}${path}`;
    const what = `${method} ${url}`;
    const signal = options?.signal;
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";

    let response: Response;
    let text: string;
    try {
      response = await config.fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        signal,
      });
      text = await response.text();
    } catch (cause) {
      // A cancelled request (navigation, newer query) is not an error to show.
      if (signal?.aborted) throw cause;
      throw new ApiError({
        status: 0,
        code: clientErrorCode.network,
        message: `Cannot reach the Portcullis API (${what}): ${reasonOf(cause)}. Check that the server is running and your network connection, then retry.`,
      });
    }

    const json = parseJson(text);
    if (!response.ok) throw errorFromFailedResponse(response, json, what);
    if (json === notJson) {
      throw new ApiError({
        status: response.status,
        code: clientErrorCode.unexpectedResponse,
        message: `The server answered ${what} with ${describeStatus(response)} but the body is not JSON.`,
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError({
        status: response.status,
        code: clientErrorCode.unexpectedResponse,
        message: `The server's answer to ${what} does not have the expected shape (${summarizeIssues(parsed.error.issues)}).`,
        details: parsed.error.issues,
      });
    }
    return parsed.data;
  }

  return {
    get: (path, schema, options) => request("GET", path, schema, undefined, options),
    post: (path, body, schema, options) => request("POST", path, schema, body ?? {}, options),
  };
}

/** The app's client: same-origin `/api`, through the browser's fetch. */
export const apiClient: ApiClient = createApiClient({
  fetch: (input, init) => globalThis.fetch(input, init),
});
