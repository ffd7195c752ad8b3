import { describe, expect, it } from "vitest";
import { activityActions } from "./activity.ts";
import { eventDetailSchemas, parseEventDetails, payloadProblem } from "./domain-events.ts";

const access = { ports: [{ port: 22, protocol: "TCP" }], sources: ["203.0.113.7/32"], durationMinutes: 60 };

describe("the domain events", () => {
  it("declare a payload for every activity action", () => {
    expect(Object.keys(eventDetailSchemas).sort()).toEqual([...activityActions].sort());
  });

  it("read a payload written with the schemas as typed", () => {
    const parsed = parseEventDetails("request.created", { ...access, approvalRequired: true, required: 2 });
    expect(parsed).toMatchObject({ typed: true, action: "request.created", details: { approvalRequired: true, required: 2, ports: [{ port: 22, protocol: "TCP" }] } });
  });

  it.each([
    ["ports as strings (releases before the schemas)", "request.created", { ports: ["22/TCP"], sources: [], durationMinutes: 60 }],
    ["a payload missing the access's facts", "request.opened", { justification: "patch" }],
    ["an action no release declared", "request.teleported", { ...access }],
  ])("fall back to the legacy reader for %s", (_what, action, details) => {
    expect(parseEventDetails(action, details)).toEqual({ typed: false, action, details });
  });

  it.each([
    ["an undeclared key", "request.approved", { ...access, approvals: 1, required: 2, remaining: 1, approvers: ["x"] }, /request\.approved: details: Unrecognized key: "approvers"/],
    ["a missing required fact", "request.approved", { ...access, approvals: 1, required: 2 }, /request\.approved: remaining: /],
    ["a wrong type", "notification.failed", { deliveryId: "d", subscriptionId: null, subscriptionName: "ops", kind: "webhook", event: "request.opened", attempt: "1", statusCode: 500, willRetry: true, nextAttemptAt: null }, /attempt: /],
  ] as const)("name the problem of %s", (_what, action, details, problem) => {
    expect(payloadProblem(action, details)).toMatch(problem);
  });

  it("accept a payload that is exactly its action's", () => {
    expect(payloadProblem("request.approved", { ...access, approvals: 2, required: 2, remaining: 0, comment: "ok" })).toBeNull();
    expect(payloadProblem("policy.removed", { previousVersion: 3, nsgIds: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n"] })).toBeNull();
  });
});
