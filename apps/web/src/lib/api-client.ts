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
  put<T>(path: string, body: unknown, schema: ResponseSchema<T>, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, body: unknown, schema: ResponseSchema<T>, options?: RequestOptions): Promise<T>;
  /** A POST whose answer the caller does not need (204 No Content, or a body it ignores, as after "Send test"). */
  postWithoutAnswer(path: string, body: unknown, options?: RequestOptions): Promise<void>;
  /** For endpoints that answer 204 No Content (or a body the caller does not need). */
  delete(path: string, options?: RequestOptions): Promise<void>;
  /** A file to save (exports): the body as it came, and the file name the server suggests (Content-Disposition). */
  getFile(path: string, options?: RequestOptions): Promise<{ blob: Blob; fileName: string | null }>;
};

/** Where the client gets the bearer token for the API; the sign-in layer implements it. */
export type AccessTokenProvider = {
  /**
   * A token for the API's scope. `renew: true` after the API refused the previous one:
   * the provider must not hand back the same cached token.
   */
  getAccessToken(options: { renew: boolean }): Promise<string>;
  /** The API refuses even a renewed token: start interactive sign-in (the page navigates away). */
  signInAgain(): Promise<void>;
};

export type ApiClientConfig = {
  fetch: FetchFn;
  /** Prefix of every path; same-origin `/api` in the browser (Vite proxies it in development). */
  baseUrl?: string;
  /** Attaches `Authorization: Bearer` to every call when given; public endpoints use a client without it. */
  tokens?: AccessTokenProvider;
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

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The `filename` of a Content-Disposition header (the quoted or plain form), or null. */
function fileNameOf(disposition: string | null): string | null {
  const match = disposition?.match(/filename="([^"]+)"|filename=([^;\s]+)/i);
  return match?.[1] ?? match?.[2] ?? null;
}

export function createApiClient(config: ApiClientConfig): ApiClient {
  const baseUrl = config.baseUrl ?? "/api";
  const tokens = config.tokens;

  async function bearer(renew: boolean, what: string): Promise<string> {
    if (!tokens) return "";
    try {
      return await tokens.getAccessToken({ renew });
    } catch (cause) {
      throw new ApiError({
        status: 0,
        code: clientErrorCode.signIn,
        message: `Could not get a sign-in token for ${what}: ${reasonOf(cause)}. Sign out and in again if this persists.`,
      });
    }
  }

  async function send(method: Method, url: string, body: unknown, token: string, signal: AbortSignal | undefined): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token !== "") headers.Authorization = `Bearer ${token}`;
    return config.fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  }

  /** Sends once; on 401 renews the token silently and sends once more; a second 401 asks the user to sign in. */
  async function exchange<B>(method: Method, url: string, body: unknown, signal: AbortSignal | undefined, read: (response: Response) => Promise<B>): Promise<{ response: Response; content: B }> {
    const what = `${method} ${url}`;
    let response = await send(method, url, body, await bearer(false, what), signal);
    if (response.status === 401 && tokens) {
      response = await send(method, url, body, await bearer(true, what), signal);
      if (response.status === 401) await tokens.signInAgain();
    }
    return { response, content: await read(response) };
  }

  /** Sends the request and returns the parsed JSON of a successful answer (`notJson` when it has none). */
  async function call(method: Method, path: string, body: unknown, options: RequestOptions | undefined) {
    const { response, content, what } = await transfer(method, path, body, options, (r) => r.text());
    return { json: parseJson(content), response, what };
  }

  /** Sends the request and reads the answer with `read` (the error body as text when it failed). */
  async function transfer<B>(method: Method, path: string, body: unknown, options: RequestOptions | undefined, read: (response: Response) => Promise<B>) {
    const url = `${baseUrl}${path}`;
    const what = `${method} ${url}`;
    const signal = options?.signal;

    let response: Response;
    let content: B | string;
    try {
      ({ response, content } = await exchange<B | string>(method, url, body, signal, (r) => (r.ok ? read(r) : r.text())));
    } catch (cause) {
      // A cancelled request (navigation, newer query) is not an error to show.
      if (signal?.aborted) throw cause;
      if (cause instanceof ApiError) throw cause;
      throw new ApiError({
        status: 0,
        code: clientErrorCode.network,
        message: `Cannot reach the Portcullis API (${what}): ${reasonOf(cause)}. Check that the server is running and your network connection, then retry.`,
      });
    }

    if (!response.ok) throw errorFromFailedResponse(response, parseJson(content as string), what);
    return { response, content: content as B, what };
  }

  async function request<T>(method: Method, path: string, schema: ResponseSchema<T>, body: unknown, options: RequestOptions | undefined): Promise<T> {
    const { json, response, what } = await call(method, path, body, options);
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
    put: (path, body, schema, options) => request("PUT", path, schema, body ?? {}, options),
    patch: (path, body, schema, options) => request("PATCH", path, schema, body ?? {}, options),
    postWithoutAnswer: async (path, body, options) => {
      await call("POST", path, body ?? {}, options);
    },
    delete: async (path, options) => {
      await call("DELETE", path, undefined, options);
    },
    getFile: async (path, options) => {
      const { response, content } = await transfer("GET", path, undefined, options, (r) => r.blob());
      return { blob: content, fileName: fileNameOf(response.headers.get("content-disposition")) };
    },
  };
}
