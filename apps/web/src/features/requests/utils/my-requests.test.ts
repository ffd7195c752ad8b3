import { describe, expect, it } from "vitest";
import type { AccessRequest } from "@portcullis/contract";
import { openedSince, pendingIds, pendingRequests, recentlyEndedRequests } from "./my-requests.ts";
import { requestSentText } from "./request-sent-text.ts";
import { accessRequestFixture } from "../../../test-support/access-request.ts";

const now = new Date("2026-03-10T12:00:00Z");

function request(id: string, patch: Partial<AccessRequest> = {}): AccessRequest {
  return accessRequestFixture(id, { createdAt: "2026-03-10T11:00:00Z", expiresAt: "2026-03-11T11:00:00Z", ...patch });
}

describe("My access: requests", () => {
  const items = [
    request("older-pending", { createdAt: "2026-03-10T09:00:00Z" }),
    request("newer-pending", { createdAt: "2026-03-10T11:30:00Z" }),
    request("denied-yesterday", { status: "denied", decidedAt: "2026-03-09T12:00:00Z" }),
    request("lapsed-8-days-ago", { status: "lapsed", createdAt: "2026-03-01T11:00:00Z", decidedAt: "2026-03-02T11:00:00Z" }),
    request("cancelled-today", { status: "cancelled", decidedAt: "2026-03-10T11:10:00Z" }),
    request("failed-today", { status: "failed", decidedAt: "2026-03-10T11:20:00Z", error: "NSG write refused" }),
    request("opened", { status: "opened", decidedAt: "2026-03-10T11:40:00Z", grantId: "g-1" }),
  ];

  it("lists what waits for approval, newest first", () => {
    expect(pendingRequests(items).map((r) => r.id)).toEqual(["newer-pending", "older-pending"]);
  });

  it("shows requests that ended without access in the last 7 days, not older ones, and not opened ones (they are grants)", () => {
    expect(recentlyEndedRequests(items, now).map((r) => r.id).sort()).toEqual(["cancelled-today", "denied-yesterday", "failed-today"]);
  });

  it("when a request that waited has opened, then it is reported once so the grants are read again", () => {
    const before = pendingIds(items);
    const approved = items.map((r) => (r.id === "newer-pending" ? { ...r, status: "opened" as const, grantId: "g-2" } : r));
    expect(openedSince(before, approved).map((r) => r.id)).toEqual(["newer-pending"]);
    // Next look: nothing new.
    expect(openedSince(pendingIds(approved), approved)).toEqual([]);
    // A denial opens nothing.
    const denied = items.map((r) => (r.id === "older-pending" ? { ...r, status: "denied" as const } : r));
    expect(openedSince(before, denied)).toEqual([]);
  });
});

describe("Request access blade after a 202", () => {
  it("says the request was sent for approval and how many approvals it needs", () => {
    expect(requestSentText(request("r", { approval: { required: 2, remaining: 2, clockStartsAt: "approval", decisions: [] } }))).toEqual({
      title: "Request sent for approval",
      body: "Needs 2 approvals. Port 22 on vm-web-01 opens once approved. Your time starts when the last approval is given.",
    });
    const one = requestSentText(
      request("r", { ports: [{ port: 22, protocol: "TCP" }, { port: 3389, protocol: "TCP" }], approval: { required: 1, remaining: 1, clockStartsAt: "request", decisions: [] } }),
    );
    expect(one.body).toMatch(/^Needs 1 approval\. Ports 22 and 3389 on vm-web-01 open once approved\. Your time started with this request/);
  });

  it("says so when the request is no longer waiting", () => {
    expect(requestSentText(request("r", { status: "denied" })).title).toBe("Denied");
  });
});
