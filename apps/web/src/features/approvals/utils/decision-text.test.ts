import { describe, expect, it } from "vitest";
import type { AccessRequest, RequesterHistoryResponse } from "@portcullis/contract";
import { awaitingDecision, awaitingReview } from "./approval-lists.ts";
import { approvedEndsAt, decisionNotice, denyBlockedReason, reviewBlockedReason } from "./decision-text.ts";
import { historyCountsText, historyGrantStatus } from "./history-text.ts";
import { accessRequestFixture } from "../../../test-support/access-request.ts";

const utc = { locale: "en-GB", timeZone: "UTC" };
const now = new Date("2026-03-10T13:05:00Z");

function request(id: string, patch: Partial<AccessRequest> = {}): AccessRequest {
  return accessRequestFixture(id, { canDecide: true, ...patch });
}

describe("Deny and Mark reviewed need a comment", () => {
  it.each(["", "   ", "\n\t"])("Deny stays disabled with the comment %j, and says why", (comment) => {
    expect(denyBlockedReason(comment)).toBe("Deny needs a comment: say why, so the requester knows.");
  });

  it("Deny is enabled once a comment is typed", () => {
    expect(denyBlockedReason("Use the staging VM")).toBeNull();
  });

  it("Mark reviewed needs one too", () => {
    expect(reviewBlockedReason(" ")).toMatch(/needs a comment/);
    expect(reviewBlockedReason("Checked with the on-call lead")).toBeNull();
  });
});

describe("the snackbar after a decision", () => {
  it("the final approval: the port is open until the end of its time, counted from the approval", () => {
    const opened = request("r", { status: "opened", decidedAt: "2026-03-10T13:05:00Z", grantId: "g-1", approval: { required: 2, remaining: 0, clockStartsAt: "approval", decisions: [] } });
    expect(decisionNotice("approve", opened, now, utc)).toEqual({ severity: "success", text: "Approved: port 22 on vm-web-01 is open until 14:05" });
  });

  it("counts from the request when the policy starts the clock there", () => {
    const opened = request("r", { status: "opened", decidedAt: "2026-03-10T13:05:00Z", approval: { required: 1, remaining: 0, clockStartsAt: "request", decisions: [] } });
    expect(approvedEndsAt(opened, now).toISOString()).toBe("2026-03-10T13:00:00.000Z");
    expect(decisionNotice("approve", { ...opened, ports: [{ port: 22, protocol: "TCP" }, { port: 3389, protocol: "TCP" }] }, now, utc).text).toBe(
      "Approved: ports 22 and 3389 on vm-web-01 are open until 13:00",
    );
  });

  it("an approval that is not the last one says how many more are needed", () => {
    expect(decisionNotice("approve", request("r", { approval: { required: 3, remaining: 1, clockStartsAt: "approval", decisions: [] } }), now).text).toBe("Approved: waiting for 1 more approval");
    expect(decisionNotice("approve", request("r", { approval: { required: 3, remaining: 2, clockStartsAt: "approval", decisions: [] } }), now).text).toBe("Approved: waiting for 2 more approvals");
  });

  it("an approval whose ports failed to open warns with the reason", () => {
    expect(decisionNotice("approve", request("r", { status: "failed", error: "NSG nsg-web is locked" }), now)).toEqual({
      severity: "warning",
      text: "Approved, but the ports on vm-web-01 could not be opened: NSG nsg-web is locked",
    });
  });

  it("a denial and a review say so", () => {
    expect(decisionNotice("deny", request("r", { status: "denied" }), now).text).toBe("Denied: Dana Developer's request for vm-web-01");
    expect(decisionNotice("review", request("r", { status: "opened", breakGlass: true }), now).text).toBe("Marked reviewed: break-glass access to vm-web-01 by Dana Developer");
  });
});

describe("what the page lists", () => {
  const items = [
    request("newer", { createdAt: "2026-03-10T12:30:00Z" }),
    request("older", { createdAt: "2026-03-10T11:00:00Z" }),
    request("already-approved-by-me", { canDecide: false }),
    request("emergency", { status: "opened", breakGlass: true, canDecide: false }),
    request("emergency-reviewed", {
      status: "opened",
      breakGlass: true,
      canDecide: false,
      review: { by: { oid: "a", name: "Ada Admin" }, comment: "fine", at: "2026-03-10T12:50:00Z" },
    }),
  ];

  it("waiting for your decision: pending requests you may decide, longest-waiting first", () => {
    expect(awaitingDecision(items).map((r) => r.id)).toEqual(["older", "newer"]);
  });

  it("break-glass to review: only those nobody has reviewed", () => {
    expect(awaitingReview(items).map((r) => r.id)).toEqual(["emergency"]);
  });
});

describe("the requester's history", () => {
  const counts: RequesterHistoryResponse["counts"] = { opened: 4, denied: 1, lapsed: 0, cancelled: 0, breakGlass: 1 };

  it("sums up the last 30 days, leaving out outcomes with none", () => {
    expect(historyCountsText(counts)).toBe("Requests for approval or break-glass in the last 30 days: 4 opened, 1 denied, 1 break-glass.");
    expect(historyCountsText({ opened: 0, denied: 0, lapsed: 0, cancelled: 0, breakGlass: 0 })).toBe("No requests for approval or break-glass in the last 30 days.");
  });

  it("words a past grant's state", () => {
    expect(historyGrantStatus({ status: "closed", statusReason: "Expired" })).toBe("Expired");
    expect(historyGrantStatus({ status: "open", statusReason: null })).toBe("Open");
    expect(historyGrantStatus({ status: "failed", statusReason: null })).toBe("Failed");
  });
});
