import { describe, expect, it } from "vitest";
import type { Grant } from "@portcullis/contract";
import { grantStatusText, isActiveGrant } from "./grant-status.ts";

const now = new Date("2025-03-02T13:23:00Z");
type StatusFields = Pick<Grant, "status" | "statusReason" | "endsAt">;
const endsAt = "2025-03-02T14:05:00Z";

describe("grantStatusText", () => {
  it.each<[StatusFields, string]>([
    [{ status: "open", statusReason: null, endsAt }, "Closes in 42 min"],
    [{ status: "opening", statusReason: null, endsAt }, "Opening…"],
    [{ status: "closing", statusReason: null, endsAt }, "Closing…"],
    [{ status: "closed", statusReason: "Expired", endsAt }, "Expired"],
    [{ status: "closed", statusReason: "Revoked", endsAt }, "Revoked"],
    [{ status: "closed", statusReason: "UserRequested", endsAt }, "Revoked by the requester"],
    [{ status: "closed", statusReason: "NewerRequestInitiated", endsAt }, "Superseded by a newer request"],
    [{ status: "closed", statusReason: null, endsAt }, "Closed"],
    [{ status: "failed", statusReason: "OpenFailed", endsAt }, "Opening failed"],
    [{ status: "failed", statusReason: null, endsAt }, "Failed"],
  ])("%j reads %s", (grant, text) => {
    expect(grantStatusText(grant, now)).toBe(text);
  });
});

describe("isActiveGrant", () => {
  it.each<[Grant["status"], boolean]>([
    ["opening", true],
    ["open", true],
    ["closing", true],
    ["closed", false],
    ["failed", false],
  ])("%s is active: %s", (status, active) => {
    expect(isActiveGrant({ status })).toBe(active);
  });
});
