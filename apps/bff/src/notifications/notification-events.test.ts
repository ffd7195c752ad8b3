import { describe, expect, it } from "vitest";
import type { ActivityAction } from "@portcullis/contract";
import type { AppendedAuditEvent } from "../lib/audit/audit-events.ts";
import { notificationFor, notificationEventOf } from "./notification-events.ts";
import { outboxRowsFor, scopeMatches } from "./queue.ts";

const vmId = "/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-web-prod/providers/Microsoft.Compute/virtualMachines/vm-prod-web-01";

/** An appended event with a payload of its action (partial payloads are enough for the mapping). */
function audited(action: ActivityAction, details: object = {}, outcome: "success" | "failure" = "success"): AppendedAuditEvent {
  return {
    id: "e1",
    at: new Date("2030-05-01T08:00:00.000Z"),
    action,
    outcome,
    actor: { oid: "approver-oid", name: "Avery Approver" },
    vmId: vmId.toLowerCase(),
    vmName: "vm-prod-web-01",
    details,
    error: outcome === "failure" ? "NSG write refused" : null,
  } as AppendedAuditEvent;
}

describe("which audit events notify", () => {
  it.each([
    ["request.created", { approvalRequired: true }, "success", "request.pending-approval"],
    ["request.created", { approvalRequired: false }, "success", null],
    ["request.approved", { remaining: 0 }, "success", "request.approved"],
    ["request.approved", { remaining: 1 }, "success", null],
    ["request.denied", {}, "success", "request.denied"],
    ["request.lapsed", {}, "success", "request.lapsed"],
    ["request.cancelled", {}, "success", "request.cancelled"],
    ["request.break-glass", {}, "success", "request.break-glass"],
    ["request.opened", {}, "success", "request.opened"],
    ["request.opened", {}, "failure", null],
    ["request.failed", { settled: true }, "failure", "request.failed"],
    // The expiry job's cleanup of a failed opening: the failure was announced when it happened.
    ["request.failed", { reason: "OpenFailed" }, "failure", null],
    ["request.failed", { reason: "RequesterNoLongerAuthorized" }, "failure", "request.failed"],
    ["request.expired", {}, "success", "request.expired"],
    ["request.revoked", {}, "success", "request.revoked"],
    ["drift.found", {}, "success", "drift.found"],
    ["drift.repaired", {}, "success", null],
    ["request.extended", {}, "success", null],
    ["request.superseded", {}, "success", null],
    ["policy.edited", {}, "success", null],
    ["notification.failed", {}, "failure", null],
  ] as const)("%s %j (%s) -> %s", (action, details, outcome, expected) => {
    expect(notificationEventOf({ action, outcome, details } as Parameters<typeof notificationEventOf>[0])).toBe(expected);
  });

  it("the payload carries the facts of the details (ports, the requester's e-mail) and links approvers to the approvals page", () => {
    const n = notificationFor(
      audited("request.created", {
        approvalRequired: true,
        requestId: "r1",
        ports: [
          { port: 22, protocol: "TCP" },
          { port: 3389, protocol: "TCP" },
        ],
        sources: ["203.0.113.7/32"],
        durationMinutes: 60,
        justification: "INC-4711",
        requester: { oid: "dev-oid", name: "Dana Developer", username: "Dev@Contoso.test" },
        required: 2,
      }),
    );
    expect(n).toEqual({
      event: "request.pending-approval",
      vmId: vmId.toLowerCase(),
      vmName: "vm-prod-web-01",
      requesterEmail: "dev@contoso.test",
      payload: {
        auditEventId: "e1",
        action: "request.created",
        occurredAt: "2030-05-01T08:00:00.000Z",
        outcome: "success",
        actor: { oid: "approver-oid", name: "Avery Approver" },
        vmId: vmId.toLowerCase(),
        vmName: "vm-prod-web-01",
        requestId: "r1",
        ports: [
          { port: 22, protocol: "TCP" },
          { port: 3389, protocol: "TCP" },
        ],
        sources: ["203.0.113.7/32"],
        durationMinutes: 60,
        justification: "INC-4711",
        requester: { oid: "dev-oid", name: "Dana Developer", username: "Dev@Contoso.test" },
        required: 2,
        portalPath: "/approvals",
      },
    });
  });

  it("a failure carries the event's error; a user name that is not an e-mail address gives no requester e-mail", () => {
    const n = notificationFor(audited("request.failed", { requester: { oid: "o", name: "Svc", username: "svc-account" } }, "failure"));
    expect(n?.payload.error).toBe("NSG write refused");
    expect(n?.requesterEmail).toBeNull();
    expect(n?.payload.portalPath).toBe("/jit");
  });
});

describe("scope matching", () => {
  it.each([
    ["/", vmId, true],
    ["/subscriptions/6F1A2B3C-4D5E-4F60-8A7B-9C0D1E2F3A4B", vmId, true],
    ["/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/RG-WEB-PROD", vmId, true],
    [vmId.toUpperCase(), vmId, true],
    ["/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-web", vmId, false],
    ["/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-app-prod", vmId, false],
    ["/subscriptions/0c9d8e7f-6a5b-4c4d-9e3f-2a1b0c9d8e7f", vmId, false],
    ["/", null, true],
    ["/subscriptions/6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b", null, false],
  ] as const)("a subscription at %s hears about %s: %s", (scope, vm, expected) => {
    expect(scopeMatches(scope, vm)).toBe(expected);
  });
});

describe("outbox rows for the subscriptions", () => {
  const opened = notificationFor(audited("request.opened", { requester: { oid: "dev-oid", name: "Dana Developer", username: "dev@contoso.test" } }));
  if (opened === null) throw new Error("request.opened must notify");
  const subscription = (over: Partial<Parameters<typeof outboxRowsFor>[1][number]>) => ({
    id: "s1",
    name: "ops",
    kind: "webhook" as const,
    target: "https://hooks.example.com/x",
    to_requester: false,
    scope: "/",
    events: ["request.opened"],
    ...over,
  });
  const now = new Date("2030-05-01T08:00:00.000Z");

  it("one row per subscription that hears the event, with its target copied; none for other events or scopes", () => {
    const rows = outboxRowsFor(
      [opened],
      [
        subscription({}),
        subscription({ id: "s2", events: ["request.expired"] }),
        subscription({ id: "s3", scope: "/subscriptions/0c9d8e7f-6a5b-4c4d-9e3f-2a1b0c9d8e7f" }),
      ],
      now,
    );
    expect(rows.map((r) => [r.subscription_id, r.target, r.event, r.status, r.next_attempt_at])).toEqual([["s1", "https://hooks.example.com/x", "request.opened", "pending", now]]);
  });

  it("an e-mail subscription with toRequester adds the requester's own copy (no subscription, linked to My access), unless already listed", () => {
    const mail = subscription({ kind: "email", target: JSON.stringify(["secops@contoso.test"]), to_requester: true });
    const rows = outboxRowsFor([opened], [mail], now);
    expect(rows.map((r) => [r.subscription_id, r.subscription_name, r.target, JSON.parse(r.payload).portalPath])).toEqual([
      ["s1", "ops", '["secops@contoso.test"]', "/jit"],
      [null, "ops (to the requester)", '["dev@contoso.test"]', "/my-access"],
    ]);
    const listed = subscription({ kind: "email", target: JSON.stringify(["dev@contoso.test"]), to_requester: true });
    expect(outboxRowsFor([opened], [listed], now)).toHaveLength(1);
    const requesterOnly = subscription({ kind: "email", target: "[]", to_requester: true });
    expect(outboxRowsFor([opened], [requesterOnly], now).map((r) => r.target)).toEqual(['["dev@contoso.test"]']);
  });
});
