import { ErrorCode, type ErrorBody } from "@portcullis/contract";
import { createApiClient, type ApiClient } from "../lib/api-client.ts";

/** One request the portal sent: the method, the path after `/api` (with its query) and the JSON body. */
export type SentRequest = { method: string; path: string; body: unknown };

/** What the fake server answers: a status and a JSON body shaped as the contract says. */
export type Answer = { status: number; body?: unknown };

type Handler = (request: SentRequest) => Answer | Promise<Answer>;

/**
 * The BFF at the `fetch` boundary: each route answers with a contract-shaped body, every request is kept for
 * assertions, and a request no route expects fails the test with its method and path.
 */
export type FakeApi = {
  client: ApiClient;
  requests: SentRequest[];
  /** Answers `METHOD /path` (the query is ignored unless the route names one) with `answer`; later routes win. */
  on(method: string, path: string, answer: Answer | Handler): FakeApi;
  /** The requests sent to `METHOD /path`, query ignored. */
  sent(method: string, path: string): SentRequest[];
};

const withoutQuery = (path: string) => path.split("?")[0] ?? path;

export function fakeApi(): FakeApi {
  const routes: Array<{ method: string; path: string; handler: Handler }> = [];
  const requests: SentRequest[] = [];
  const api: FakeApi = {
    requests,
    client: createApiClient({
      fetch: async (url, init) => {
        const method = init?.method ?? "GET";
        const path = url.replace(/^\/api/, "");
        const request: SentRequest = { method, path, body: typeof init?.body === "string" ? (JSON.parse(init.body) as unknown) : undefined };
        requests.push(request);
        const route = routes.findLast((r) => r.method === method && (r.path.includes("?") ? r.path === path : r.path === withoutQuery(path)));
        if (!route) throw new Error(`The fake API has no route for ${method} ${path}`);
        const answer = await route.handler(request);
        return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { "Content-Type": "application/json" } });
      },
    }),
    on(method, path, answer) {
      routes.push({ method, path, handler: typeof answer === "function" ? answer : () => answer });
      return api;
    },
    sent: (method, path) => requests.filter((r) => r.method === method && withoutQuery(r.path) === path),
  };
  return api;
}

/** The BFF's 400 for broken rules: `details.problems[]` name the field and the rule, as the error middleware sends them. */
export function badRequest(...problems: Array<{ field: string; rule: string }>): Answer {
  const body: ErrorBody = {
    error: { code: ErrorCode.badRequest, message: problems.map((p) => `${p.field}: ${p.rule}`).join("; "), details: { problems } },
  };
  return { status: 400, body };
}
