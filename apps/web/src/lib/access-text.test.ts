import { describe, expect, it } from "vitest";
import type { AccessRequest, ApprovalDecision } from "@portcullis/contract";
import { accessRequestStatusText, approvalProgressText, approvalsNeededText, decisionText, denialComment, sourceText, waitingText } from "./access-text.ts";

const approver = (name: string) => ({ oid: `${name}-oid`, name });
const approve = (name: string): ApprovalDecision => ({ approver: approver(name), decision: "approve", comment: null, at: "2026-03-02T13:10:00Z" });
const deny = (name: string, comment: string): ApprovalDecision => ({ approver: approver(name), decision: "deny", comment, at: "2026-03-02T13:12:00Z" });

function request(status: AccessRequest["status"], required: number, remaining: number, decisions: ApprovalDecision[] = []): Pick<AccessRequest, "status" | "approval"> {
  return { status, approval: { required, remaining, clockStartsAt: "approval", decisions } };
}

describe("sourceText", () => {
  it("shows single addresses without their prefix length, ranges and Any as such", () => {
    expect(sourceText(["203.0.113.7/32", "2001:db8::1/128", "10.0.0.0/8"])).toBe("203.0.113.7, 2001:db8::1, 10.0.0.0/8");
    expect(sourceText(["*"])).toBe("Any (the Internet)");
    expect(sourceText([])).toBe("None");
  });
});

describe("waitingText", () => {
  it.each([
    [1, "Waiting for 1 more approval"],
    [2, "Waiting for 2 more approvals"],
    [10, "Waiting for 10 more approvals"],
  ])("%i remaining reads %s", (remaining, text) => {
    expect(waitingText(remaining)).toBe(text);
  });

  it("is what My access says about a pending request", () => {
    expect(accessRequestStatusText(request("pending", 2, 1, [approve("Alex")]))).toBe("Waiting for 1 more approval");
    expect(accessRequestStatusText(request("pending", 3, 3))).toBe("Waiting for 3 more approvals");
  });
});

describe("approval counts", () => {
  it.each([
    [2, 1, "1 of 2 approvals"],
    [2, 2, "0 of 2 approvals"],
    [1, 1, "0 of 1 approval"],
    [3, 0, "3 of 3 approvals"],
  ])("%i required, %i remaining: %s", (required, remaining, text) => {
    expect(approvalProgressText({ required, remaining })).toBe(text);
  });

  it("says how many approvals a request needs", () => {
    expect(approvalsNeededText(1)).toBe("Needs 1 approval");
    expect(approvalsNeededText(2)).toBe("Needs 2 approvals");
  });
});

describe("ended requests", () => {
  it.each<[AccessRequest["status"], string]>([
    ["opened", "Approved and opened"],
    ["failed", "Approved, but the ports could not be opened"],
    ["denied", "Denied"],
    ["lapsed", "Lapsed: not approved in time"],
    ["cancelled", "Cancelled"],
  ])("%s reads %s", (status, text) => {
    expect(accessRequestStatusText(request(status, 2, 0))).toBe(text);
  });

  it("does not call break-glass access approved", () => {
    expect(accessRequestStatusText({ ...request("opened", 1, 1), breakGlass: true })).toBe("Opened by break-glass, without approval");
    expect(accessRequestStatusText({ ...request("failed", 1, 1), breakGlass: true })).toBe("Break-glass, but the ports could not be opened");
    expect(accessRequestStatusText({ ...request("opened", 1, 0), breakGlass: false })).toBe("Approved and opened");
  });

  it("gives the requester the denial's comment, and nothing for other outcomes", () => {
    const denied = request("denied", 2, 1, [approve("Alex"), deny("Sam", "Use the staging VM for this")]);
    expect(denialComment(denied)).toBe("Use the staging VM for this");
    expect(denialComment(request("lapsed", 2, 2))).toBeNull();
  });

  it("names who decided", () => {
    expect(decisionText(approve("Alex Approver"))).toBe("Approved by Alex Approver");
    expect(decisionText(deny("Sam Security", "no"))).toBe("Denied by Sam Security");
  });
});
