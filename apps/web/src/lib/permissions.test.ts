import { describe, expect, it } from "vitest";
import type { MeResponse, RoleAssignment } from "@portcullis/contract";
import { can, canOnVm, canSomewhere, canTenantWide, hasAnyRole, summariseRoles } from "./permissions.ts";

const user = { oid: "5d7a0f2c-1b3e-4c6d-8e9f-0a1b2c3d4e02", name: "Dana Developer", username: "dev@contoso.test", tenantId: "t" };
const devSub = "/subscriptions/22222222-2222-2222-2222-222222222222";
const prodRg = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-app-prod";

function assignment(role: RoleAssignment["role"], scope: string): RoleAssignment {
  return {
    id: `${role}-${scope}`,
    principalType: "user",
    principalId: user.oid,
    principalName: user.name,
    role,
    scope,
    createdAt: "2025-01-01T00:00:00.000Z",
    createdBy: "system",
  };
}

function me(patch: Partial<MeResponse>): MeResponse {
  return { user, tenantRoles: [], assignments: [], tenantPermissions: [], anyScopePermissions: [], ...patch };
}

const reader = me({});
const admin = me({
  tenantRoles: ["Admin"],
  tenantPermissions: ["jit.vm.read", "jit.inventory.refresh", "jit.rbac.read"],
  anyScopePermissions: ["jit.vm.read", "jit.inventory.refresh", "jit.rbac.read"],
});
const developer = me({
  assignments: [assignment("Requester", devSub), assignment("Requester", prodRg)],
  anyScopePermissions: ["jit.vm.read", "jit.request.create"],
});

describe("permissions", () => {
  it.each([
    ["a user with no role and no assignment", reader, false],
    ["a tenant Admin", admin, true],
    ["a user with scoped assignments only", developer, true],
  ])("hasAnyRole: %s -> %s", (_case, who, expected) => {
    expect(hasAnyRole(who)).toBe(expected);
  });

  it("tells a permission held only at some scope from one held tenant-wide", () => {
    expect(canSomewhere(developer, "jit.vm.read")).toBe(true);
    expect(canTenantWide(developer, "jit.vm.read")).toBe(false);
    expect(canTenantWide(admin, "jit.inventory.refresh")).toBe(true);
    expect(canSomewhere(developer, "jit.rbac.read")).toBe(false);
  });

  it("reads a VM's permissions from the row the BFF computed for the caller", () => {
    expect(canOnVm({ callerPermissions: ["jit.vm.read", "jit.policy.write"] }, "jit.policy.write")).toBe(true);
    expect(canOnVm({ callerPermissions: ["jit.vm.read"] }, "jit.policy.write")).toBe(false);
  });
});

describe("summariseRoles", () => {
  it.each<[string, MeResponse, string]>([
    ["no role at all", reader, "No role"],
    ["a tenant role", admin, "Admin"],
    ["one role at two scopes", developer, "Requester (2 scopes)"],
    ["one role at one scope", me({ assignments: [assignment("Approver", prodRg)] }), "Approver (1 scope)"],
    [
      "tenant roles first in the contract's order, then scoped ones",
      me({ tenantRoles: ["Auditor"], assignments: [assignment("Requester", devSub)] }),
      "Requester (1 scope), Auditor",
    ],
    ["a scoped role also held tenant-wide once", me({ tenantRoles: ["Auditor"], assignments: [assignment("Auditor", devSub)] }), "Auditor"],
    ["an assignment at the tenant scope as tenant-wide", me({ assignments: [assignment("Auditor", "/")] }), "Auditor"],
    [
      "the same scope twice counted once",
      me({ assignments: [assignment("Requester", devSub), { ...assignment("Requester", devSub), id: "via-group" }] }),
      "Requester (1 scope)",
    ],
  ])("%s", (_case, who, expected) => {
    expect(summariseRoles(who)).toBe(expected);
  });
});

describe("can", () => {
  it.each([
    ["tenant need, tenant holder", admin, { permission: "jit.rbac.read", scope: "tenant" }, true],
    ["tenant need, scoped holder", developer, { permission: "jit.vm.read", scope: "tenant" }, false],
    ["some-scope need, scoped holder", developer, { permission: "jit.vm.read", scope: "some" }, true],
    ["some-scope need, no holder", reader, { permission: "jit.vm.read", scope: "some" }, false],
    ["either of two, holder of the second (a requester on the activity log)", developer, { permission: "jit.activity.read", or: "jit.request.create", scope: "some" }, true],
    ["either of two, holder of neither", reader, { permission: "jit.activity.read", or: "jit.request.create", scope: "some" }, false],
  ] as const)("%s", (_case, who, need, expected) => {
    expect(can(who, need)).toBe(expected);
  });
});
