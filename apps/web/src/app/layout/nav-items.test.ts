import { describe, expect, it } from "vitest";
import { rolePermissions, type MeResponse, type Role } from "@portcullis/contract";
import { visibleNavItems } from "./nav-items.ts";

const user = { oid: "oid", name: "Someone", username: "someone@contoso.test", tenantId: "t" };

function holderOf(role: Role): MeResponse {
  const permissions = [...rolePermissions[role]];
  return { user, tenantRoles: [role], assignments: [], tenantPermissions: permissions, anyScopePermissions: permissions };
}

const labels = (me: MeResponse) => visibleNavItems(me).map((item) => item.label);

describe("navigation", () => {
  it("shows Pending approvals to approvers, and not to requesters", () => {
    expect(labels(holderOf("Approver"))).toContain("Pending approvals");
    expect(labels(holderOf("Requester"))).not.toContain("Pending approvals");
  });

  it("shows Notifications to admins only", () => {
    expect(labels(holderOf("Admin"))).toEqual(["Just-in-time VM access", "My access", "Pending approvals", "Activity log", "Access control", "Notifications"]);
    for (const role of ["Requester", "Approver", "Auditor"] as const) expect(labels(holderOf(role))).not.toContain("Notifications");
  });
});
