import { describe, expect, it } from "vitest";
import { ErrorCode, RefreshResponseSchema } from "@portcullis/contract";
import { createApiClient, type AccessTokenProvider, type ApiClient, type FetchFn } from "./api-client.ts";
import { ApiError, clientErrorCode, isTransientApiError } from "./api-error.ts";

type Call = { url: string; init: RequestInit | undefined };

function clientAnswering(respond: () => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch: FetchFn = async (url, init) => {
    calls.push({ url, init });
    return respond();
  };
  return { client: createApiClient({ fetch }), calls };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}

const refreshed = { refreshedAt: "2025-01-01T00:00:00.000Z", counts: { configured: 1, recommended: 2, none: 3 } };

describe("api client", () => {
  it("returns the parsed body of a successful answer and calls same-origin /api", async () => {
    const { client, calls } = clientAnswering(() => json(200, refreshed));

    await expect(client.post("/inventory/refresh", {}, RefreshResponseSchema)).resolves.toEqual(refreshed);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("/api/inventory/refresh");
    expect(calls[0]?.init?.method).toBe("POST");
  });

  it("turns the contract's ErrorBody into an ApiError with its status, code, message and details", async () => {
    const body = {
      error: {
        code: ErrorCode.upstreamUnavailable,
        message: "Azure Resource Manager at https://localhost:8443 is unreachable: connect ECONNREFUSED",
        details: { retryable: true },
      },
    };
    const { client } = clientAnswering(() => json(503, body));

    const error = await rejectionOf(client.get("/inventory/vms?tab=configured", RefreshResponseSchema));

    expect(error.status).toBe(503);
    expect(error.code).toBe("UpstreamUnavailable");
    expect(error.message).toBe(body.error.message);
    expect(error.details).toEqual({ retryable: true });
    expect(isTransientApiError(error)).toBe(true);
  });

  it("keeps a 4xx ErrorBody's code so callers can tell it is not worth retrying", async () => {
    const { client } = clientAnswering(() =>
      json(400, { error: { code: ErrorCode.badRequest, message: "tab must be one of configured, recommended, none" } }),
    );

    const error = await rejectionOf(client.get("/inventory/vms?tab=x", RefreshResponseSchema));

    expect(error).toMatchObject({ status: 400, code: "BadRequest", message: "tab must be one of configured, recommended, none" });
    expect(isTransientApiError(error)).toBe(false);
  });

  it("when the server cannot be reached, then it throws a network ApiError naming the request", async () => {
    const fetch: FetchFn = async () => {
      throw new TypeError("Failed to fetch");
    };
    const client = createApiClient({ fetch });

    const error = await rejectionOf(client.get("/inventory/vms?tab=configured", RefreshResponseSchema));

    expect(error.status).toBe(0);
    expect(error.code).toBe(clientErrorCode.network);
    expect(error.message).toContain("Cannot reach the Portcullis API");
    expect(error.message).toContain("GET /api/inventory/vms?tab=configured");
    expect(error.message).toContain("Failed to fetch");
    expect(isTransientApiError(error)).toBe(true);
  });

  it("when a proxy answers 502 with an HTML page, then the message says so instead of a JSON parse error", async () => {
    const { client } = clientAnswering(
      () => new Response("<html><body>Bad Gateway</body></html>", { status: 502, statusText: "Bad Gateway" }),
    );

    const error = await rejectionOf(client.get("/inventory/vms?tab=none", RefreshResponseSchema));

    expect(error.status).toBe(502);
    expect(error.code).toBe(clientErrorCode.unexpectedResponse);
    expect(error.message).toBe(
      "The server answered GET /api/inventory/vms?tab=none with HTTP 502 Bad Gateway and no error details. The Portcullis API may be down or restarting; try again in a moment.",
    );
    expect(error.message).not.toMatch(/JSON|Unexpected token/);
  });

  it.each([
    ["an empty body", ""],
    ["JSON that is not an ErrorBody", JSON.stringify({ message: "nope" })],
  ])("when a 500 carries %s, then the message names the status", async (_case, text) => {
    const { client } = clientAnswering(() => new Response(text, { status: 500 }));

    const error = await rejectionOf(client.get("/inventory/vms", RefreshResponseSchema));

    expect(error.status).toBe(500);
    expect(error.message).toContain("HTTP 500");
  });

  it("when a successful answer does not match the schema, then it names the bad field", async () => {
    const { client } = clientAnswering(() => json(200, { refreshedAt: 42, counts: refreshed.counts }));

    const error = await rejectionOf(client.post("/inventory/refresh", {}, RefreshResponseSchema));

    expect(error.code).toBe(clientErrorCode.unexpectedResponse);
    expect(error.message).toContain("refreshedAt");
  });

  it("when a successful answer is not JSON, then it throws an ApiError rather than a SyntaxError", async () => {
    const { client } = clientAnswering(() => new Response("<!doctype html><html></html>", { status: 200 }));

    const error = await rejectionOf(client.get("/inventory/vms", RefreshResponseSchema));

    expect(error.message).toContain("not JSON");
  });

  it("when the caller cancels, then the abort error passes through untouched", async () => {
    const controller = new AbortController();
    const abort = new DOMException("The operation was aborted.", "AbortError");
    const fetch: FetchFn = async () => {
      controller.abort();
      throw abort;
    };
    const client = createApiClient({ fetch });

    await expect(client.get("/inventory/vms", RefreshResponseSchema, { signal: controller.signal })).rejects.toBe(abort);
  });
});

describe("api client with a token provider", () => {
  type Provider = AccessTokenProvider & { renewals: boolean[]; signIns: number };

  function provider(tokens: string[] = ["token-1", "token-2"]): Provider {
    const queue = [...tokens];
    const result: Provider = {
      renewals: [],
      signIns: 0,
      async getAccessToken({ renew }) {
        result.renewals.push(renew);
        const next = queue.shift();
        if (next === undefined) throw new Error("no more tokens");
        return next;
      },
      async signInAgain() {
        result.signIns += 1;
      },
    };
    return result;
  }

  function authorizationOf(call: Call | undefined): string | null {
    return new Headers(call?.init?.headers).get("Authorization");
  }

  function clientWith(tokens: AccessTokenProvider, respond: (call: Call, index: number) => Response) {
    const calls: Call[] = [];
    const fetch: FetchFn = async (url, init) => {
      const call = { url, init };
      calls.push(call);
      return respond(call, calls.length - 1);
    };
    return { client: createApiClient({ fetch, tokens }), calls };
  }

  const unauthorized = () => json(401, { error: { code: ErrorCode.unauthorized, message: "The access token has expired." } });

  it.each([
    ["GET", (client: ApiClient) => client.get("/me", RefreshResponseSchema)],
    ["POST", (client: ApiClient) => client.post("/inventory/refresh", {}, RefreshResponseSchema)],
    ["PUT", (client: ApiClient) => client.put("/policies", { vmIds: ["vm"] }, RefreshResponseSchema)],
    ["PATCH", (client: ApiClient) => client.patch("/notifications/subscriptions/s1", { enabled: false }, RefreshResponseSchema)],
    ["DELETE", (client: ApiClient) => client.delete("/rbac/assignments/a1")],
  ])("attaches the bearer token to a %s", async (_method, send) => {
    const tokens = provider(["token-1"]);
    const { client, calls } = clientWith(tokens, () => json(200, refreshed));

    await send(client);

    expect(authorizationOf(calls[0])).toBe("Bearer token-1");
    expect(tokens.renewals).toEqual([false]);
  });

  it("sends no Authorization header when no provider is given (public endpoints)", async () => {
    const { client, calls } = clientAnswering(() => json(200, refreshed));
    await client.get("/auth/config", RefreshResponseSchema);
    expect(authorizationOf(calls[0])).toBeNull();
  });

  it("when the API answers 401, then it renews the token once and retries with the new one", async () => {
    const tokens = provider(["stale", "fresh"]);
    const { client, calls } = clientWith(tokens, (_call, index) => (index === 0 ? unauthorized() : json(200, refreshed)));

    await expect(client.post("/inventory/refresh", { a: 1 }, RefreshResponseSchema)).resolves.toEqual(refreshed);

    expect(calls.map(authorizationOf)).toEqual(["Bearer stale", "Bearer fresh"]);
    expect(calls[1]?.init?.method).toBe("POST");
    expect(calls[1]?.init?.body).toBe(JSON.stringify({ a: 1 }));
    expect(tokens.renewals).toEqual([false, true]);
    expect(tokens.signIns).toBe(0);
  });

  it("when the renewed token is refused too, then it asks for interactive sign-in once and reports the 401", async () => {
    const tokens = provider(["stale", "fresh", "never-used"]);
    const { client, calls } = clientWith(tokens, unauthorized);

    const error = await rejectionOf(client.get("/me", RefreshResponseSchema));

    expect(calls).toHaveLength(2);
    expect(tokens.renewals).toEqual([false, true]);
    expect(tokens.signIns).toBe(1);
    expect(error).toMatchObject({ status: 401, code: "Unauthorized", message: "The access token has expired." });
  });

  it.each([403, 404, 500])("when the API answers %s, then the token is not renewed", async (status) => {
    const tokens = provider();
    const { client, calls } = clientWith(tokens, () => json(status, { error: { code: "X", message: "no" } }));

    await rejectionOf(client.get("/rbac/assignments", RefreshResponseSchema));

    expect(calls).toHaveLength(1);
    expect(tokens.renewals).toEqual([false]);
    expect(tokens.signIns).toBe(0);
  });

  it("when no token can be had, then it throws a sign-in ApiError without calling the API", async () => {
    const tokens = provider([]);
    const { client, calls } = clientWith(tokens, () => json(200, refreshed));

    const error = await rejectionOf(client.get("/me", RefreshResponseSchema));

    expect(calls).toHaveLength(0);
    expect(error.code).toBe(clientErrorCode.signIn);
    expect(error.message).toContain("Could not get a sign-in token for GET /api/me: no more tokens");
  });

  it("resolves a DELETE answered with 204 No Content", async () => {
    const { client, calls } = clientWith(provider(), () => new Response(null, { status: 204 }));
    await expect(client.delete("/rbac/assignments/a1")).resolves.toBeUndefined();
    expect(calls[0]).toMatchObject({ url: "/api/rbac/assignments/a1", init: { method: "DELETE" } });
  });

  it("sends a POST whose answer is not read, and still reports a refusal", async () => {
    const { client, calls } = clientWith(provider(), () => new Response(null, { status: 202 }));
    await expect(client.postWithoutAnswer("/notifications/subscriptions/s1/test", {})).resolves.toBeUndefined();
    expect(calls[0]).toMatchObject({ url: "/api/notifications/subscriptions/s1/test", init: { method: "POST", body: "{}" } });

    const refused = clientWith(provider(), () => json(409, { error: { code: ErrorCode.conflict, message: "the subscription is disabled" } }));
    const error = await rejectionOf(refused.client.postWithoutAnswer("/notifications/subscriptions/s1/test", {}));
    expect(error).toMatchObject({ status: 409, message: "the subscription is disabled" });
  });

  it("downloads a file with the token, keeping its bytes and the name the server suggests", async () => {
    const csv = 'time,justification\n2026-01-01T00:00:00.000Z,"\'=HYPERLINK(""x"")"\n';
    const { client, calls } = clientWith(provider(), () => new Response(csv, { status: 200, headers: { "Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="activity-20260101T000000Z.csv"' } }));
    const file = await client.getFile("/activity/export.csv?vmId=x");
    expect(await file.blob.text()).toBe(csv);
    expect(file.fileName).toBe("activity-20260101T000000Z.csv");
    expect(new Headers(calls[0]?.init?.headers).get("Authorization")).toMatch(/^Bearer /);
  });

  it("turns a refused download into an ApiError naming the parameter", async () => {
    const { client } = clientWith(provider(), () => json(400, { error: { code: ErrorCode.badRequest, message: "from: must not be after to" } }));
    const error = await rejectionOf(client.getFile("/activity/export.csv?from=b&to=a"));
    expect(error.status).toBe(400);
    expect(error.message).toBe("from: must not be after to");
  });
});
