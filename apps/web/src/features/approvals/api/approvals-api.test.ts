import { describe, expect, it } from "vitest";
import { partialMatchKey } from "@tanstack/react-query";
import { createApiClient } from "../../../lib/api-client.ts";
import { approvalKeys } from "./approval-keys.ts";
import { decideAccessRequest } from "./decide-access-request.ts";
import { getApprovals } from "./get-approvals.ts";
import { getRequesterHistory } from "./get-requester-history.ts";
import { accessRequestFixture } from "../../../test-support/access-request.ts";

type Call = { url: string; method: string; body: unknown };

const answered = accessRequestFixture("r-1");

function server(status: number, answer: unknown) {
  const calls: Call[] = [];
  const client = createApiClient({
    fetch: async (url, init) => {
      calls.push({ url, method: init?.method ?? "GET", body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined });
      return new Response(JSON.stringify(answer), { status });
    },
  });
  return { client, calls };
}

type Client = ReturnType<typeof server>["client"];
const history = { requester: { oid: "dev-oid", name: "Dana Developer" }, grants: [], counts: { opened: 0, denied: 0, lapsed: 0, cancelled: 0, breakGlass: 0 } };

describe("approvals API", () => {
  it.each<[string, unknown, (client: Client) => Promise<unknown>, Call]>([
    ["lists what the caller may decide or review", { items: [answered], nextCursor: null }, (c) => getApprovals(c), { url: "/api/access-requests?scope=approvals&status=all&pageSize=500", method: "GET", body: undefined }],
    ["approves without a comment", answered, (c) => decideAccessRequest(c, "r-1", { action: "approve", comment: "  " }), { url: "/api/access-requests/r-1/approve", method: "POST", body: {} }],
    ["approves with a comment", answered, (c) => decideAccessRequest(c, "r-1", { action: "approve", comment: " ok " }), { url: "/api/access-requests/r-1/approve", method: "POST", body: { comment: "ok" } }],
    ["denies with the comment", { ...answered, status: "denied" }, (c) => decideAccessRequest(c, "r/1", { action: "deny", comment: "Use staging" }), { url: "/api/access-requests/r%2F1/deny", method: "POST", body: { comment: "Use staging" } }],
    ["reviews a break-glass access", { ...answered, status: "opened", breakGlass: true }, (c) => decideAccessRequest(c, "r-1", { action: "review", comment: "Checked" }), { url: "/api/access-requests/r-1/review", method: "POST", body: { comment: "Checked" } }],
    ["reads the requester's history", history, (c) => getRequesterHistory(c, "r-1"), { url: "/api/access-requests/r-1/requester-history", method: "GET", body: undefined }],
  ])("%s", async (_case, answer, send, expected) => {
    const { client, calls } = server(200, answer);
    await send(client);
    expect(calls).toEqual([expected]);
  });

  it("when the request was decided meanwhile (409), then the server's message reaches the blade", async () => {
    const { client } = server(409, { error: { code: "Conflict", message: "This request is already denied." } });
    await expect(decideAccessRequest(client, "r-1", { action: "approve" })).rejects.toMatchObject({ status: 409, message: "This request is already denied." });
  });

  it("one invalidation after a decision reaches the list and every history", () => {
    expect(partialMatchKey(approvalKeys.list(), approvalKeys.all)).toBe(true);
    expect(partialMatchKey(approvalKeys.requesterHistory("r-1"), approvalKeys.all)).toBe(true);
  });
});
